package io.tokenbroker.domain.resilience;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Closed, open, half-open, as {@link CircuitPolicy} moves them; the circuit itself is kept in a {@link Cell}, in
 * this process or shared by every instance, and every change is a compare-and-set on it. So across instances one
 * caller gets each probe, and one caller sees each transition. Thread-safe.
 *
 * <p>{@link #onSuccess} and {@link #onFailure} say whether the outcome moved the circuit between closed and not
 * closed, so a caller can announce each opening and each recovery exactly once. Open and half-open are one side of
 * that line: half-open is only the clock passing, and a failed probe re-opens a circuit that never closed.
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

    /**
     * Where a circuit is kept. {@link #compareAndSet} replaces the circuit only if it still equals {@code expected},
     * atomically, so two instances cannot both take one probe or both announce one opening.
     */
    public interface Cell {

        /** The current circuit; {@link Circuit#CLOSED} when none is kept. */
        Circuit read();

        boolean compareAndSet(Circuit expected, Circuit next);

        /** A cell of this process only. */
        static Cell inProcess() {
            AtomicReference<Circuit> held = new AtomicReference<>(Circuit.CLOSED);
            return new Cell() {
                @Override
                public Circuit read() {
                    return held.get();
                }

                @Override
                public boolean compareAndSet(Circuit expected, Circuit next) {
                    return held.compareAndSet(expected, next);
                }
            };
        }
    }

    private final Clock clock;
    private final CircuitPolicy policy;
    private final Cell cell;

    /** A circuit of this process that refuses calls for {@code openDuration} each time it opens. */
    public CircuitBreaker(Clock clock, int failureThreshold, Duration openDuration) {
        this(clock, CircuitPolicy.fixed(failureThreshold, openDuration), Cell.inProcess());
    }

    public CircuitBreaker(Clock clock, CircuitPolicy policy, Cell cell) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.cell = Objects.requireNonNull(cell, "cell");
    }

    public State state() {
        return policy.state(cell.read(), clock.instant());
    }

    /**
     * Asks to make one call. True means go ahead and report the outcome with {@link #onSuccess} or
     * {@link #onFailure}; false means the circuit refuses it now.
     */
    public boolean tryAcquirePermission() {
        while (true) {
            Circuit current = cell.read();
            Optional<Circuit> permitted = policy.permit(current, clock.instant());
            if (permitted.isEmpty()) {
                return false;
            }
            if (permitted.get().equals(current) || cell.compareAndSet(current, permitted.get())) {
                return true;
            }
        }
    }

    /** A call succeeded (or proved the upstream alive): closes the circuit. */
    public Transition onSuccess() {
        return move(current -> policy.afterSuccess());
    }

    /** A call failed: opens the circuit at the threshold, or again when it was the half-open probe. */
    public Transition onFailure() {
        return move(current -> policy.afterFailure(current, clock.instant()));
    }

    private Transition move(UnaryOperator<Circuit> outcome) {
        while (true) {
            Circuit current = cell.read();
            Circuit next = outcome.apply(current);
            if (next.equals(current) || cell.compareAndSet(current, next)) {
                return CircuitPolicy.transition(current, next);
            }
        }
    }

    public int consecutiveFailures() {
        return cell.read().consecutiveFailures();
    }

    /** While open: how long until a probe is let through; the honest value for a {@code Retry-After}. */
    public Optional<Duration> retryAfter() {
        return policy.retryAfter(cell.read(), clock.instant());
    }
}
