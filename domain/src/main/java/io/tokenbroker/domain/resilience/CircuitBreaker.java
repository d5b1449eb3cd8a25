package io.tokenbroker.domain.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Closed, open, half-open; moved only by outcomes and the clock. Closed lets every call through and opens after
 * {@code failureThreshold} consecutive failures. Open refuses calls until {@code openDuration} has passed, then
 * becomes half-open and lets exactly one trial call through: its success closes the circuit, its failure opens
 * it again for another full period. A trial that never reports back is replaced by a new one after another open
 * period. Thread-safe.
 *
 * <p>{@link #onSuccess} and {@link #onFailure} say whether the outcome moved the circuit between closed and not
 * closed, so a caller can announce each opening and each recovery exactly once. Open and half-open are one side of
 * that line: half-open is only the clock passing, and a failed trial re-opens a circuit that never closed.
 */
public final class CircuitBreaker {

    /** The three states. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    /** What one reported outcome did to the circuit. */
    public enum Transition {
        /** It stayed on its side: closed and still closed, or not closed and still not closed. */
        NONE,
        /** It was closed and is open now. */
        OPENED,
        /** It was open or half-open and is closed now. */
        CLOSED
    }

    private final Clock clock;
    private final int failureThreshold;
    private final Duration openDuration;

    private int consecutiveFailures;
    private Instant openedAt;
    private Instant trialStartedAt;

    public CircuitBreaker(Clock clock, int failureThreshold, Duration openDuration) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.openDuration = Objects.requireNonNull(openDuration, "openDuration");
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("the failure threshold must be at least 1");
        }
        if (openDuration.isNegative() || openDuration.isZero()) {
            throw new IllegalArgumentException("the open duration must be positive");
        }
        this.failureThreshold = failureThreshold;
    }

    public synchronized State state() {
        if (openedAt == null) {
            return State.CLOSED;
        }
        return clock.instant().isBefore(openedAt.plus(openDuration)) ? State.OPEN : State.HALF_OPEN;
    }

    /**
     * Asks to make one call. True means go ahead and report the outcome with {@link #onSuccess} or
     * {@link #onFailure}; false means the circuit refuses it now.
     */
    public synchronized boolean tryAcquirePermission() {
        return switch (state()) {
            case CLOSED -> true;
            case OPEN -> false;
            case HALF_OPEN -> {
                Instant now = clock.instant();
                // A trial whose outcome never came back (its caller died) must not keep the circuit shut forever:
                // after another open period the next caller becomes the trial.
                if (trialStartedAt != null && now.isBefore(trialStartedAt.plus(openDuration))) {
                    yield false;
                }
                trialStartedAt = now;
                yield true;
            }
        };
    }

    /** A call succeeded (or proved the upstream alive): closes the circuit. */
    public synchronized Transition onSuccess() {
        boolean wasClosed = openedAt == null;
        consecutiveFailures = 0;
        openedAt = null;
        trialStartedAt = null;
        return wasClosed ? Transition.NONE : Transition.CLOSED;
    }

    /** A call failed: opens the circuit at the threshold, or again when it was the half-open trial. */
    public synchronized Transition onFailure() {
        boolean wasClosed = openedAt == null;
        consecutiveFailures++;
        if (state() == State.HALF_OPEN || consecutiveFailures >= failureThreshold) {
            openedAt = clock.instant();
        }
        trialStartedAt = null;
        return wasClosed && openedAt != null ? Transition.OPENED : Transition.NONE;
    }

    public synchronized int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** While open: how long until a trial call is let through; the honest value for a {@code Retry-After}. */
    public synchronized Optional<Duration> retryAfter() {
        if (state() != State.OPEN) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(clock.instant(), openedAt.plus(openDuration)));
    }
}
