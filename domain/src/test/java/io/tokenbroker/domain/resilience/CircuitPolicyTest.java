package io.tokenbroker.domain.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.domain.resilience.CircuitBreaker.State;
import io.tokenbroker.domain.resilience.CircuitBreaker.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The probing circuit: one probe per {@code openMin} while the outage is young, doubling periods after. */
class CircuitPolicyTest {

    private static final Instant START = Instant.parse("2026-12-03T12:00:00Z");
    private static final Duration MIN = Duration.ofSeconds(1);
    private static final Duration FAST = Duration.ofSeconds(60);
    private static final Duration MAX = Duration.ofSeconds(30);

    private MutableClock clock;
    private CircuitBreaker breaker;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(START);
        breaker = new CircuitBreaker(clock, new CircuitPolicy(2, MIN, FAST, MAX), CircuitBreaker.Cell.inProcess());
    }

    private void open() {
        assertTrue(breaker.tryAcquirePermission());
        breaker.onFailure();
        assertTrue(breaker.tryAcquirePermission());
        assertEquals(Transition.OPENED, breaker.onFailure());
    }

    /** Waits until the circuit lets a probe through, fails it, and returns how long that took. */
    private Duration failNextProbe() {
        Instant from = clock.instant();
        while (!breaker.tryAcquirePermission()) {
            clock.advance(Duration.ofMillis(100));
        }
        Duration waited = Duration.between(from, clock.instant());
        assertEquals(Transition.NONE, breaker.onFailure());
        return waited;
    }

    @Test
    @DisplayName("after a 10 s burst, the next probe comes within openMin and its success closes the circuit")
    void shortBurstRecoversWithinOpenMin() {
        open();
        while (Duration.between(START, clock.instant()).compareTo(Duration.ofSeconds(10)) < 0) {
            assertEquals(MIN, failNextProbe());
        }
        Instant burstEnded = clock.instant();
        while (!breaker.tryAcquirePermission()) {
            clock.advance(Duration.ofMillis(100));
        }
        assertTrue(Duration.between(burstEnded, clock.instant()).compareTo(MIN) <= 0);
        assertEquals(Transition.CLOSED, breaker.onSuccess());
        assertEquals(State.CLOSED, breaker.state());
    }

    @Test
    @DisplayName("one probe per period: the second caller in the same period is refused")
    void oneProbePerPeriod() {
        open();
        assertFalse(breaker.tryAcquirePermission());
        clock.advance(MIN);
        assertTrue(breaker.tryAcquirePermission());
        assertFalse(breaker.tryAcquirePermission());
        assertEquals(State.HALF_OPEN, breaker.state());
    }

    @Test
    @DisplayName("past the fast window the period doubles per failed probe, up to the open duration")
    void doublesAfterTheFastWindow() {
        open();
        // Probes fail every second until the one at 59 s, whose period of 1 s still belongs to the fast window.
        while (Duration.between(START, clock.instant()).compareTo(FAST.minus(MIN)) < 0) {
            assertEquals(MIN, failNextProbe());
        }
        List<Duration> periods = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            periods.add(failNextProbe());
        }
        assertEquals(List.of(MIN, Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                Duration.ofSeconds(16), MAX, MAX), periods);
        assertEquals(Optional.of(MAX), breaker.retryAfter());
    }

    @Test
    @DisplayName("a recovery resets the outage: the next one probes fast again")
    void recoveryResetsTheOutage() {
        open();
        clock.advance(Duration.ofMinutes(5));
        for (int i = 0; i < 4; i++) {
            failNextProbe();
        }
        assertTrue(breaker.retryAfter().orElseThrow().compareTo(MIN) > 0);
        while (!breaker.tryAcquirePermission()) {
            clock.advance(Duration.ofMillis(100));
        }
        breaker.onSuccess();
        open();
        assertEquals(Optional.of(MIN), breaker.retryAfter());
    }

    @Test
    @DisplayName("two breakers over one cell share the probe and the transitions")
    void sharedCell() {
        CircuitBreaker.Cell cell = CircuitBreaker.Cell.inProcess();
        CircuitPolicy policy = new CircuitPolicy(1, MIN, FAST, MAX);
        CircuitBreaker one = new CircuitBreaker(clock, policy, cell);
        CircuitBreaker two = new CircuitBreaker(clock, policy, cell);
        assertEquals(Transition.OPENED, one.onFailure());
        assertEquals(Transition.NONE, two.onFailure());
        clock.advance(MIN);
        assertTrue(two.tryAcquirePermission());
        assertFalse(one.tryAcquirePermission());
        assertEquals(Transition.CLOSED, two.onSuccess());
        assertEquals(Transition.NONE, one.onSuccess());
    }

    @Test
    void refusesAnInvertedRange() {
        assertThrows(IllegalArgumentException.class,
                () -> new CircuitPolicy(1, Duration.ofSeconds(5), FAST, Duration.ofSeconds(4)));
        assertThrows(IllegalArgumentException.class,
                () -> new CircuitPolicy(1, MIN, Duration.ofSeconds(-1), MAX));
    }
}
