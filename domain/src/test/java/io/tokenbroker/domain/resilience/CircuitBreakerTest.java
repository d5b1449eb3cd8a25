package io.tokenbroker.domain.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.domain.resilience.CircuitBreaker.State;
import io.tokenbroker.domain.resilience.CircuitBreaker.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CircuitBreakerTest {

    private static final Instant START = Instant.parse("2024-05-01T12:00:00Z");
    private static final int THRESHOLD = 3;
    private static final Duration OPEN = Duration.ofSeconds(30);

    private MutableClock clock;
    private CircuitBreaker breaker;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(START);
        breaker = new CircuitBreaker(clock, THRESHOLD, OPEN);
    }

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            assertTrue(breaker.tryAcquirePermission(), "refused failure " + (i + 1));
            breaker.onFailure();
        }
    }

    /** Opens the circuit at the current instant. */
    private void open() {
        fail(THRESHOLD);
        assertEquals(State.OPEN, breaker.state());
    }

    @Nested
    @DisplayName("closed")
    class Closed {

        @Test
        @DisplayName("a new breaker is closed and allows calls")
        void newIsClosed() {
            assertEquals(State.CLOSED, breaker.state());
            assertTrue(breaker.tryAcquirePermission());
            assertTrue(breaker.tryAcquirePermission());
            assertEquals(0, breaker.consecutiveFailures());
            assertEquals(Optional.empty(), breaker.retryAfter());
        }

        @Test
        @DisplayName("stays closed below the threshold")
        void notBeforeThreshold() {
            fail(THRESHOLD - 1);
            assertEquals(State.CLOSED, breaker.state());
            assertTrue(breaker.tryAcquirePermission());
            assertEquals(THRESHOLD - 1, breaker.consecutiveFailures());
            assertEquals(Optional.empty(), breaker.retryAfter());
        }

        @Test
        @DisplayName("opens after exactly threshold consecutive failures")
        void opensAtThreshold() {
            fail(THRESHOLD - 1);
            assertEquals(State.CLOSED, breaker.state());
            fail(1);
            assertEquals(State.OPEN, breaker.state());
            assertEquals(THRESHOLD, breaker.consecutiveFailures());
        }

        @Test
        @DisplayName("a success resets the failure count")
        void successResets() {
            fail(THRESHOLD - 1);
            breaker.onSuccess();
            assertEquals(0, breaker.consecutiveFailures());
            fail(THRESHOLD - 1);
            assertEquals(State.CLOSED, breaker.state());
            fail(1);
            assertEquals(State.OPEN, breaker.state());
        }

        @Test
        @DisplayName("failures separated by time still count as consecutive")
        void timeDoesNotReset() {
            fail(THRESHOLD - 1);
            clock.advance(Duration.ofHours(1));
            fail(1);
            assertEquals(State.OPEN, breaker.state());
        }

        @Test
        @DisplayName("a threshold of 1 opens on the first failure")
        void thresholdOne() {
            CircuitBreaker eager = new CircuitBreaker(clock, 1, OPEN);
            eager.onFailure();
            assertEquals(State.OPEN, eager.state());
        }
    }

    @Nested
    @DisplayName("open")
    class Open {

        @Test
        @DisplayName("refuses calls")
        void refuses() {
            open();
            assertFalse(breaker.tryAcquirePermission());
            assertFalse(breaker.tryAcquirePermission());
        }

        @Test
        @DisplayName("retryAfter is the full open duration right after opening")
        void retryAfterFull() {
            open();
            assertEquals(Optional.of(OPEN), breaker.retryAfter());
        }

        @Test
        @DisplayName("retryAfter gives the remaining time")
        void retryAfterRemaining() {
            open();
            clock.advance(Duration.ofSeconds(10));
            assertEquals(Optional.of(Duration.ofSeconds(20)), breaker.retryAfter());
            clock.advance(Duration.ofSeconds(20).minusNanos(1));
            assertEquals(Optional.of(Duration.ofNanos(1)), breaker.retryAfter());
        }

        @Test
        @DisplayName("is still open 1 ns before openedAt + openDuration")
        void openJustBefore() {
            open();
            clock.advance(OPEN.minusNanos(1));
            assertEquals(State.OPEN, breaker.state());
            assertFalse(breaker.tryAcquirePermission());
        }

        @Test
        @DisplayName("is half-open exactly at openedAt + openDuration")
        void halfOpenExactlyAtEnd() {
            open();
            clock.advance(OPEN);
            assertEquals(State.HALF_OPEN, breaker.state());
            assertEquals(Optional.empty(), breaker.retryAfter());
        }

        @Test
        @DisplayName("a refused call does not change the state or the count")
        void refusalChangesNothing() {
            open();
            breaker.tryAcquirePermission();
            assertEquals(State.OPEN, breaker.state());
            assertEquals(THRESHOLD, breaker.consecutiveFailures());
        }
    }

    @Nested
    @DisplayName("half-open")
    class HalfOpen {

        @BeforeEach
        void openAndWait() {
            open();
            clock.advance(OPEN);
            assertEquals(State.HALF_OPEN, breaker.state());
        }

        @Test
        @DisplayName("allows exactly one trial call")
        void exactlyOneTrial() {
            assertTrue(breaker.tryAcquirePermission());
            assertFalse(breaker.tryAcquirePermission());
            assertFalse(breaker.tryAcquirePermission());
            assertEquals(State.HALF_OPEN, breaker.state());
        }

        @Test
        @DisplayName("allows only one trial while it is in flight, up to one open period")
        void trialInFlightBlocksOthersForOnePeriod() {
            assertTrue(breaker.tryAcquirePermission());
            clock.advance(OPEN.minusNanos(1));
            assertFalse(breaker.tryAcquirePermission());
        }

        @Test
        @DisplayName("a trial that never reports back is replaced after one open period, so the circuit cannot stick")
        void lostTrialIsReplaced() {
            assertTrue(breaker.tryAcquirePermission());
            clock.advance(OPEN);
            assertTrue(breaker.tryAcquirePermission());
            assertFalse(breaker.tryAcquirePermission());
        }

        @Test
        @DisplayName("a successful trial closes the circuit")
        void trialSuccessCloses() {
            assertTrue(breaker.tryAcquirePermission());
            breaker.onSuccess();
            assertEquals(State.CLOSED, breaker.state());
            assertEquals(0, breaker.consecutiveFailures());
            assertTrue(breaker.tryAcquirePermission());
            assertTrue(breaker.tryAcquirePermission());
            assertEquals(Optional.empty(), breaker.retryAfter());
        }

        @Test
        @DisplayName("after closing, it takes a full threshold of failures to open again")
        void closedAfterTrialNeedsFullThreshold() {
            assertTrue(breaker.tryAcquirePermission());
            breaker.onSuccess();
            fail(THRESHOLD - 1);
            assertEquals(State.CLOSED, breaker.state());
            fail(1);
            assertEquals(State.OPEN, breaker.state());
        }

        @Test
        @DisplayName("a failed trial opens the circuit again for a full period")
        void trialFailureReopens() {
            clock.advance(Duration.ofSeconds(7)); // the trial starts a while after the circuit turned half-open
            assertTrue(breaker.tryAcquirePermission());
            clock.advance(Duration.ofSeconds(2)); // and takes some time
            breaker.onFailure();
            assertEquals(State.OPEN, breaker.state());
            assertFalse(breaker.tryAcquirePermission());
            assertEquals(Optional.of(OPEN), breaker.retryAfter());

            clock.advance(OPEN.minusNanos(1));
            assertEquals(State.OPEN, breaker.state());
            clock.advance(Duration.ofNanos(1));
            assertEquals(State.HALF_OPEN, breaker.state());
        }

        @Test
        @DisplayName("after a failed trial and another period, a new single trial is allowed")
        void newTrialAfterReopen() {
            assertTrue(breaker.tryAcquirePermission());
            breaker.onFailure();
            clock.advance(OPEN);
            assertTrue(breaker.tryAcquirePermission());
            assertFalse(breaker.tryAcquirePermission());
            breaker.onSuccess();
            assertEquals(State.CLOSED, breaker.state());
        }
    }

    @Nested
    @DisplayName("transitions")
    class Transitions {

        @Test
        @DisplayName("only the failure that reaches the threshold reports OPENED")
        void openedOnceAtTheThreshold() {
            for (int i = 1; i < THRESHOLD; i++) {
                assertTrue(breaker.tryAcquirePermission());
                assertEquals(Transition.NONE, breaker.onFailure(), "failure " + i);
            }
            assertTrue(breaker.tryAcquirePermission());
            assertEquals(Transition.OPENED, breaker.onFailure());
        }

        @Test
        @DisplayName("a failure reported while open (a call let through before it opened) opens nothing new")
        void lateFailureWhileOpen() {
            open();
            assertEquals(Transition.NONE, breaker.onFailure());
            assertEquals(State.OPEN, breaker.state());
        }

        @Test
        @DisplayName("a failed trial re-opens a circuit that never closed: no second OPENED")
        void failedTrialIsNoNewOpening() {
            open();
            clock.advance(OPEN);
            assertTrue(breaker.tryAcquirePermission());
            assertEquals(Transition.NONE, breaker.onFailure());
            assertEquals(State.OPEN, breaker.state());
        }

        @Test
        @DisplayName("a successful trial reports CLOSED once; successes while closed report nothing")
        void closedOnceByTheTrial() {
            assertEquals(Transition.NONE, breaker.onSuccess());
            open();
            clock.advance(OPEN);
            assertTrue(breaker.tryAcquirePermission());
            assertEquals(Transition.CLOSED, breaker.onSuccess());
            assertEquals(Transition.NONE, breaker.onSuccess());
        }

        @Test
        @DisplayName("a success reported while open (a refusal proving the upstream up) closes it and says so")
        void successWhileOpenCloses() {
            open();
            assertEquals(Transition.CLOSED, breaker.onSuccess());
            assertEquals(State.CLOSED, breaker.state());
        }

        @Test
        @DisplayName("a flapping upstream alternates OPENED and CLOSED, one of each per real flip")
        void flappingAlternates() {
            for (int round = 0; round < 3; round++) {
                fail(THRESHOLD - 1);
                assertTrue(breaker.tryAcquirePermission());
                assertEquals(Transition.OPENED, breaker.onFailure(), "round " + round);
                clock.advance(OPEN);
                assertTrue(breaker.tryAcquirePermission());
                assertEquals(Transition.CLOSED, breaker.onSuccess(), "round " + round);
            }
        }
    }

    @Nested
    @DisplayName("invalid constructor arguments")
    class InvalidArguments {

        @ParameterizedTest(name = "threshold {0}")
        @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
        void thresholdBelowOne(int threshold) {
            assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker(clock, threshold, OPEN));
        }

        @Test
        void zeroOpenDuration() {
            assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker(clock, 3, Duration.ZERO));
        }

        @Test
        void negativeOpenDuration() {
            assertThrows(IllegalArgumentException.class,
                    () -> new CircuitBreaker(clock, 3, Duration.ofSeconds(-1)));
        }

        @Test
        void nulls() {
            assertThrows(NullPointerException.class, () -> new CircuitBreaker(null, 3, OPEN));
            assertThrows(NullPointerException.class, () -> new CircuitBreaker(clock, 3, null));
        }
    }
}
