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
 */
public final class CircuitBreaker {

    /** The three states. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

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

    public synchronized void onSuccess() {
        consecutiveFailures = 0;
        openedAt = null;
        trialStartedAt = null;
    }

    public synchronized void onFailure() {
        consecutiveFailures++;
        if (state() == State.HALF_OPEN || consecutiveFailures >= failureThreshold) {
            openedAt = clock.instant();
        }
        trialStartedAt = null;
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
