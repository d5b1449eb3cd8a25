package io.tokenbroker.domain.resilience;

import io.tokenbroker.domain.resilience.Circuit.Open;
import io.tokenbroker.domain.resilience.CircuitBreaker.State;
import io.tokenbroker.domain.resilience.CircuitBreaker.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How a circuit moves, as pure functions of a {@link Circuit} and the time. Closed lets every call through and opens
 * after {@code failureThreshold} consecutive failures. Open refuses calls until its period ends, then is half-open:
 * one probe goes through; its success closes the circuit, its failure opens it for another period. While the outage
 * is younger than {@code fastWindow} every period is {@code openMin}, so a short outage costs its callers at most
 * that much after it ends; after that each failed probe doubles the period, up to {@code openMax}, so a long outage
 * costs the upstream little. A probe that never reports back is replaced after one period.
 *
 * @param failureThreshold consecutive failed calls that open a closed circuit
 * @param openMin          the period while the outage is young
 * @param fastWindow       how long after opening the period stays at {@code openMin}
 * @param openMax          the longest period
 */
public record CircuitPolicy(int failureThreshold, Duration openMin, Duration fastWindow, Duration openMax) {

    public CircuitPolicy {
        Objects.requireNonNull(openMin, "openMin");
        Objects.requireNonNull(fastWindow, "fastWindow");
        Objects.requireNonNull(openMax, "openMax");
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("the failure threshold must be at least 1");
        }
        if (openMin.isNegative() || openMin.isZero()) {
            throw new IllegalArgumentException("the open duration must be positive");
        }
        if (openMax.compareTo(openMin) < 0) {
            throw new IllegalArgumentException("the longest open period must not be shorter than the shortest");
        }
        if (fastWindow.isNegative()) {
            throw new IllegalArgumentException("the fast window must not be negative");
        }
    }

    /** Every period {@code open}: the circuit of a broker without probing. */
    public static CircuitPolicy fixed(int failureThreshold, Duration open) {
        return new CircuitPolicy(failureThreshold, open, Duration.ZERO, open);
    }

    public State state(Circuit circuit, Instant now) {
        return circuit.open().map(open -> now.isBefore(open.until()) ? State.OPEN : State.HALF_OPEN)
                .orElse(State.CLOSED);
    }

    /**
     * Asks to make one call at {@code now}.
     *
     * @return empty when the circuit refuses it; otherwise the circuit to keep (the same one unless this call is the
     *     probe, which is then marked as in flight)
     */
    public Optional<Circuit> permit(Circuit circuit, Instant now) {
        if (circuit.open().isEmpty()) {
            return Optional.of(circuit);
        }
        Open open = circuit.open().get();
        if (now.isBefore(open.until())) {
            return Optional.empty();
        }
        if (open.probeSince().isPresent() && now.isBefore(open.probeSince().get().plus(open.period()))) {
            return Optional.empty();
        }
        return Optional.of(new Circuit(circuit.consecutiveFailures(),
                Optional.of(new Open(open.since(), open.until(), open.period(), Optional.of(now)))));
    }

    /** A call succeeded (or proved the upstream alive): closed. */
    public Circuit afterSuccess() {
        return Circuit.CLOSED;
    }

    /**
     * A call failed: opens a closed circuit at the threshold, opens a half-open one for its next period; a failure
     * reported while open (a call let through before it opened) only counts.
     */
    public Circuit afterFailure(Circuit circuit, Instant now) {
        int failures = circuit.consecutiveFailures() == Integer.MAX_VALUE ? Integer.MAX_VALUE
                : circuit.consecutiveFailures() + 1;
        if (circuit.open().isEmpty()) {
            return failures < failureThreshold ? new Circuit(failures, Optional.empty())
                    : new Circuit(failures, Optional.of(new Open(now, now.plus(openMin), openMin, Optional.empty())));
        }
        Open open = circuit.open().get();
        if (now.isBefore(open.until())) {
            return new Circuit(failures, circuit.open());
        }
        Duration period = nextPeriod(open, now);
        return new Circuit(failures, Optional.of(new Open(open.since(), now.plus(period), period, Optional.empty())));
    }

    private Duration nextPeriod(Open open, Instant now) {
        if (Duration.between(open.since(), now).compareTo(fastWindow) < 0) {
            return openMin;
        }
        Duration doubled = open.period().multipliedBy(2);
        return doubled.compareTo(openMax) > 0 ? openMax : doubled;
    }

    /** While open: how long until a probe is let through; the honest value for a {@code Retry-After}. */
    public Optional<Duration> retryAfter(Circuit circuit, Instant now) {
        if (state(circuit, now) != State.OPEN) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, circuit.open().get().until()));
    }

    /** Whether going from {@code before} to {@code after} crossed the line between closed and not closed. */
    public static Transition transition(Circuit before, Circuit after) {
        if (before.isClosed() && !after.isClosed()) {
            return Transition.OPENED;
        }
        return !before.isClosed() && after.isClosed() ? Transition.CLOSED : Transition.NONE;
    }
}
