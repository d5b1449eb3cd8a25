package io.tokenbroker.application.service;

import io.tokenbroker.domain.resilience.CircuitPolicy;
import io.tokenbroker.domain.resilience.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * How the broker treats a failing upstream.
 *
 * @param retry                   retries of retryable failures (timeouts, connection errors, 5xx, 429)
 * @param circuitFailureThreshold consecutive failed calls that open a connection's circuit
 * @param circuitOpenDuration     the longest an open circuit refuses calls before one probe is let through
 * @param minInterval             least time between two refreshes of one connection, so a caller that
 *                                invalidates in a loop cannot burn the provider's rate limit
 * @param circuitOpenMin          the period between probes while the outage is younger than the fast window
 * @param circuitFastWindow       how long after opening probes come every {@code circuitOpenMin}; after it the
 *                                period doubles per failed probe up to {@code circuitOpenDuration}
 */
public record ResilienceSettings(RetryPolicy retry, int circuitFailureThreshold, Duration circuitOpenDuration,
                                 Duration minInterval, Duration circuitOpenMin, Duration circuitFastWindow) {

    public ResilienceSettings {
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(circuitOpenDuration, "circuitOpenDuration");
        Objects.requireNonNull(minInterval, "minInterval");
        Objects.requireNonNull(circuitOpenMin, "circuitOpenMin");
        Objects.requireNonNull(circuitFastWindow, "circuitFastWindow");
        if (minInterval.isNegative()) {
            throw new IllegalArgumentException("the minimum interval must not be negative");
        }
        // Checks the circuit's own bounds up front, so a bad setting stops the start rather than the first refresh.
        new CircuitPolicy(circuitFailureThreshold, circuitOpenMin, circuitFastWindow, circuitOpenDuration);
    }

    /** A circuit that refuses calls for {@code circuitOpenDuration} each time it opens, without fast probes. */
    public ResilienceSettings(RetryPolicy retry, int circuitFailureThreshold, Duration circuitOpenDuration,
                              Duration minInterval) {
        this(retry, circuitFailureThreshold, circuitOpenDuration, minInterval, circuitOpenDuration, Duration.ZERO);
    }

    public CircuitPolicy circuitPolicy() {
        return new CircuitPolicy(circuitFailureThreshold, circuitOpenMin, circuitFastWindow, circuitOpenDuration);
    }
}
