package io.tokenbroker.application.testing;

import io.tokenbroker.application.service.ResilienceSettings;
import io.tokenbroker.domain.resilience.Backoff;
import io.tokenbroker.domain.resilience.RetryPolicy;
import java.time.Duration;
import java.util.random.RandomGenerator;

/** Resilience settings for tests that are not about resilience: one attempt, a circuit that never opens. */
public final class ResilienceTestData {

    private ResilienceTestData() {
    }

    public static ResilienceSettings noRetries() {
        return new ResilienceSettings(new RetryPolicy(1, Duration.ZERO,
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), RandomGenerator.getDefault())),
                Integer.MAX_VALUE, Duration.ofSeconds(30), Duration.ZERO);
    }
}
