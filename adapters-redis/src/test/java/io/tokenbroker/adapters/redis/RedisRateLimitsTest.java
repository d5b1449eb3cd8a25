package io.tokenbroker.adapters.redis;

import io.tokenbroker.application.contract.RateLimitsContract;
import io.tokenbroker.application.port.out.RateLimits;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;
import java.time.Duration;

/** Shared rate-limit counters against a real Redis. */
class RedisRateLimitsTest extends RateLimitsContract {

    @RegisterExtension
    static final RedisPerClass REDIS = new RedisPerClass();
    private RedisFixture fixture;

    @Override
    protected RateLimits newRateLimits() {
        fixture = REDIS.freshFixture();
        return fixture.adapters(Clock.systemUTC(), "test").rateLimits();
    }

    /** Redis keeps its own time: ending a window means dropping the counters it holds. */
    @Override
    protected void endCurrentWindows(Duration window) {
        fixture.flushAll();
    }
}
