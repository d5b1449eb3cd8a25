package io.tokenbroker.application.service;

import io.tokenbroker.domain.resilience.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * How the broker treats a failing upstream.
 *
 * @param retry                   retries of retryable failures (timeouts, connection errors, 5xx, 429)
 * @param circuitFailureThreshold consecutive failed calls that open a connection's circuit
 * @param circuitOpenDuration     how long an open circuit refuses calls before one probe is let through
 * @param minInterval             least time between two refreshes of one connection, so a caller that
 *                                invalidates in a loop cannot burn the provider's rate limit
 */
public record ResilienceSettings(RetryPolicy retry, int circuitFailureThreshold, Duration circuitOpenDuration,
                                 Duration minInterval) {

    public ResilienceSettings {
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(circuitOpenDuration, "circuitOpenDuration");
        Objects.requireNonNull(minInterval, "minInterval");
        if (circuitFailureThreshold < 1) {
            throw new IllegalArgumentException("the circuit needs a threshold of at least 1");
        }
        if (minInterval.isNegative()) {
            throw new IllegalArgumentException("the minimum interval must not be negative");
        }
    }
}
