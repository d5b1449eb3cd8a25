package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.contract.RateLimitsContract;
import io.tokenbroker.application.port.out.RateLimits;
import io.tokenbroker.application.testing.TestClock;
import java.time.Duration;
import java.time.Instant;

class InMemoryRateLimitsTest extends RateLimitsContract {

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));

    @Override
    protected RateLimits newRateLimits() {
        return new InMemoryRateLimits(clock);
    }

    @Override
    protected void endCurrentWindows(Duration window) {
        clock.advance(window);
    }
}
