package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.tokenbroker.application.service.ResilienceSettings;
import io.tokenbroker.domain.resilience.Backoff;
import io.tokenbroker.domain.resilience.RetryPolicy;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * {@code tokenbroker.upstream.resilience.*}.
 *
 * @param maxAttempts             upstream calls per refresh, the first included
 * @param maxElapsed              a refresh gives up rather than retry past this (keep it under the lease ttl)
 * @param backoffBase             ceiling of the first retry's jittered wait; doubles per retry
 * @param backoffCap              ceiling of any retry's wait
 * @param circuitFailureThreshold consecutive failed calls that open a connection's circuit
 * @param circuitOpenDuration     the longest an open circuit refuses calls before one probe
 * @param minInterval             least time between two refreshes of one connection
 * @param circuitOpenMin          the time between probes while the outage is younger than the fast window
 * @param circuitFastWindow       how long after opening probes come every {@code circuitOpenMin}; after it the
 *                                period doubles per failed probe up to {@code circuitOpenDuration}
 */
@ConfigurationProperties("tokenbroker.upstream.resilience")
public record ResilienceConfiguration(
        @Bindable(defaultValue = "3") int maxAttempts,
        @Bindable(defaultValue = "10s") Duration maxElapsed,
        @Bindable(defaultValue = "200ms") Duration backoffBase,
        @Bindable(defaultValue = "5s") Duration backoffCap,
        @Bindable(defaultValue = "5") int circuitFailureThreshold,
        @Bindable(defaultValue = "30s") Duration circuitOpenDuration,
        @Bindable(defaultValue = "1s") Duration minInterval,
        @Bindable(defaultValue = "1s") Duration circuitOpenMin,
        @Bindable(defaultValue = "60s") Duration circuitFastWindow) {

    public ResilienceSettings settings(RandomGenerator random) {
        return new ResilienceSettings(new RetryPolicy(maxAttempts, maxElapsed,
                new Backoff(backoffBase, backoffCap, random)), circuitFailureThreshold, circuitOpenDuration,
                minInterval, circuitOpenMin, circuitFastWindow);
    }
}
