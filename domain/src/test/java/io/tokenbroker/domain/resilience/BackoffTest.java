package io.tokenbroker.domain.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackoffTest {

    private static final Duration BASE = Duration.ofMillis(100);
    private static final Duration CAP = Duration.ofSeconds(10);

    private static Backoff backoff(ScriptedRandom random) {
        return new Backoff(BASE, CAP, random);
    }

    @Nested
    @DisplayName("ceiling")
    class Ceiling {

        private final Backoff backoff = backoff(ScriptedRandom.lowest());

        @Test
        @DisplayName("starts at the base for retry 1")
        void firstRetryIsBase() {
            assertEquals(BASE, backoff.ceiling(1));
        }

        @Test
        @DisplayName("doubles from the base")
        void doubles() {
            assertEquals(Duration.ofMillis(200), backoff.ceiling(2));
            assertEquals(Duration.ofMillis(400), backoff.ceiling(3));
            assertEquals(Duration.ofMillis(800), backoff.ceiling(4));
            assertEquals(Duration.ofMillis(1600), backoff.ceiling(5));
            assertEquals(Duration.ofMillis(3200), backoff.ceiling(6));
            assertEquals(Duration.ofMillis(6400), backoff.ceiling(7));
        }

        @Test
        @DisplayName("is capped once doubling passes the cap")
        void capped() {
            assertEquals(CAP, backoff.ceiling(8)); // 12.8 s
            assertEquals(CAP, backoff.ceiling(9));
            assertEquals(CAP, backoff.ceiling(30));
        }

        @Test
        @DisplayName("reaches the cap exactly when a doubling equals it")
        void exactlyCap() {
            Backoff exact = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), ScriptedRandom.lowest());
            assertEquals(Duration.ofSeconds(4), exact.ceiling(3));
            assertEquals(Duration.ofSeconds(8), exact.ceiling(4));
            assertEquals(Duration.ofSeconds(8), exact.ceiling(5));
        }

        @Test
        @DisplayName("never decreases and never exceeds the cap")
        void monotoneAndBounded() {
            Duration previous = Duration.ZERO;
            for (int retry = 1; retry <= 200; retry++) {
                Duration ceiling = backoff.ceiling(retry);
                assertFalse(ceiling.compareTo(previous) < 0, "decreased at " + retry);
                assertFalse(ceiling.compareTo(CAP) > 0, "above cap at " + retry);
                previous = ceiling;
            }
        }

        @ParameterizedTest(name = "retry {0}")
        @ValueSource(ints = {61, 62, 63, 64, 65, 100, 1000, Integer.MAX_VALUE})
        @DisplayName("large retry numbers return the cap without overflow")
        void largeRetries(int retry) {
            assertEquals(CAP, backoff.ceiling(retry));
        }

        @ParameterizedTest(name = "retry {0}")
        @ValueSource(ints = {1, 2, 30, 60, 61, 62, 63, 64, 1000, Integer.MAX_VALUE})
        @DisplayName("a one-nanosecond base under a very large cap does not overflow")
        void oneNanoBase(int retry) {
            Duration cap = Duration.ofDays(365 * 100);
            Backoff tiny = new Backoff(Duration.ofNanos(1), cap, ScriptedRandom.lowest());
            Duration ceiling = tiny.ceiling(retry);
            assertFalse(ceiling.isNegative());
            assertFalse(ceiling.compareTo(cap) > 0);
            if (retry <= 62) {
                assertEquals(Duration.ofNanos(1L << (retry - 1)).compareTo(cap) <= 0
                        ? Duration.ofNanos(1L << (retry - 1)) : cap, ceiling);
            }
        }

        @Test
        @DisplayName("base equal to cap is always that value")
        void baseEqualsCap() {
            Backoff flat = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(2), ScriptedRandom.lowest());
            assertEquals(Duration.ofSeconds(2), flat.ceiling(1));
            assertEquals(Duration.ofSeconds(2), flat.ceiling(2));
            assertEquals(Duration.ofSeconds(2), flat.ceiling(Integer.MAX_VALUE));
        }

        @ParameterizedTest(name = "retry {0}")
        @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
        @DisplayName("retry numbers below 1 are rejected")
        void retryBelowOne(int retry) {
            assertThrows(IllegalArgumentException.class, () -> backoff.ceiling(retry));
        }
    }

    @Nested
    @DisplayName("delayBefore (full jitter)")
    class Delay {

        @Test
        @DisplayName("the highest draw waits the full ceiling")
        void highestDrawIsCeiling() {
            Backoff backoff = backoff(ScriptedRandom.highest());
            for (int retry = 1; retry <= 10; retry++) {
                assertEquals(backoff.ceiling(retry), backoff.delayBefore(retry), "retry " + retry);
            }
        }

        @Test
        @DisplayName("the lowest draw waits nothing: 0 is a possible wait")
        void lowestDrawIsZero() {
            Backoff backoff = backoff(ScriptedRandom.lowest());
            for (int retry = 1; retry <= 10; retry++) {
                assertEquals(Duration.ZERO, backoff.delayBefore(retry), "retry " + retry);
            }
        }

        @Test
        @DisplayName("draws uniformly from [0, ceiling], both ends included")
        void boundIsCeilingPlusOneNano() {
            ScriptedRandom random = ScriptedRandom.middle();
            Backoff backoff = backoff(random);
            backoff.delayBefore(1);
            backoff.delayBefore(3);
            backoff.delayBefore(50);
            assertEquals(List.of(100_000_001L, 400_000_001L, 10_000_000_001L), random.bounds());
        }

        @Test
        @DisplayName("a middle draw lies within [0, ceiling]")
        void middleDraw() {
            assertEquals(Duration.ofMillis(50), backoff(ScriptedRandom.middle()).delayBefore(1));
        }

        @Test
        @DisplayName("capped retries draw within the cap")
        void cappedDraw() {
            assertEquals(CAP, backoff(ScriptedRandom.highest()).delayBefore(Integer.MAX_VALUE));
            assertEquals(Duration.ZERO, backoff(ScriptedRandom.lowest()).delayBefore(Integer.MAX_VALUE));
        }

        @Test
        @DisplayName("with a real seeded generator every wait stays within [0, ceiling]")
        void seededRandomStaysInRange() {
            Backoff backoff = new Backoff(BASE, CAP, new SplittableRandom(42));
            for (int retry = 1; retry <= 20; retry++) {
                for (int i = 0; i < 50; i++) {
                    Duration delay = backoff.delayBefore(retry);
                    assertFalse(delay.isNegative());
                    assertTrue(delay.compareTo(backoff.ceiling(retry)) <= 0);
                }
            }
        }

        @ParameterizedTest(name = "retry {0}")
        @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
        @DisplayName("retry numbers below 1 are rejected")
        void retryBelowOne(int retry) {
            ScriptedRandom random = ScriptedRandom.lowest();
            assertThrows(IllegalArgumentException.class, () -> backoff(random).delayBefore(retry));
            assertTrue(random.bounds().isEmpty(), "drew a random number before validating");
        }
    }

    @Nested
    @DisplayName("invalid constructor arguments")
    class InvalidArguments {

        @Test
        void zeroBase() {
            assertThrows(IllegalArgumentException.class,
                    () -> new Backoff(Duration.ZERO, CAP, ScriptedRandom.lowest()));
        }

        @Test
        void negativeBase() {
            assertThrows(IllegalArgumentException.class,
                    () -> new Backoff(Duration.ofMillis(-1), CAP, ScriptedRandom.lowest()));
        }

        @Test
        void capShorterThanBase() {
            assertThrows(IllegalArgumentException.class,
                    () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), ScriptedRandom.lowest()));
        }

        @Test
        void nulls() {
            assertThrows(NullPointerException.class, () -> new Backoff(null, CAP, ScriptedRandom.lowest()));
            assertThrows(NullPointerException.class, () -> new Backoff(BASE, null, ScriptedRandom.lowest()));
            assertThrows(NullPointerException.class, () -> new Backoff(BASE, CAP, null));
        }
    }
}
