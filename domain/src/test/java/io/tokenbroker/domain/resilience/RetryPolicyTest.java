package io.tokenbroker.domain.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    /** Always draws the top of the range, so the exponential ceiling is visible. */
    private static final RandomGenerator HIGHEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    private final RetryPolicy policy = new RetryPolicy(3, Duration.ofSeconds(10),
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), HIGHEST));

    @Test
    void delaysGrowWithEachFailure() {
        assertEquals(Optional.of(Duration.ofMillis(200)), policy.delayBeforeRetry(1, Optional.empty(), Duration.ZERO));
        assertEquals(Optional.of(Duration.ofMillis(400)), policy.delayBeforeRetry(2, Optional.empty(), Duration.ZERO));
    }

    @Test
    void givesUpAfterTheLastAttempt() {
        assertEquals(Optional.empty(), policy.delayBeforeRetry(3, Optional.empty(), Duration.ZERO));
    }

    @Test
    void retryAfterIsAFloorNotShortenedByJitter() {
        assertEquals(Optional.of(Duration.ofSeconds(2)),
                policy.delayBeforeRetry(1, Optional.of(Duration.ofSeconds(2)), Duration.ZERO));
        assertEquals(Optional.of(Duration.ofMillis(200)),
                policy.delayBeforeRetry(1, Optional.of(Duration.ofMillis(50)), Duration.ZERO));
    }

    @Test
    void givesUpWhenTheWaitWouldPassTheTotalBound() {
        assertEquals(Optional.empty(), policy.delayBeforeRetry(1, Optional.of(Duration.ofSeconds(30)), Duration.ZERO));
        assertEquals(Optional.empty(), policy.delayBeforeRetry(1, Optional.empty(), Duration.ofMillis(9_900)));
        assertEquals(Optional.of(Duration.ofMillis(200)),
                policy.delayBeforeRetry(1, Optional.empty(), Duration.ofMillis(9_800)));
    }

    @Test
    void nonsenseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> policy.delayBeforeRetry(0, Optional.empty(), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO,
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), HIGHEST)));
    }
}
