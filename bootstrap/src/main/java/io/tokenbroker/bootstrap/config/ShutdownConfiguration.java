package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code tokenbroker.shutdown.*}: what a stopping instance does before it goes (docs/operations.md, *Stopping an
 * instance*).
 *
 * @param drain         after SIGTERM, how long new requests are still served with readiness already down, for load
 *                      balancers to notice; 0 stops accepting at once
 * @param inFlight      then, how long requests already accepted get to finish
 * @param flush         then, how long queued refresh-log rows get to be written
 * @param signalHandler whether SIGTERM starts the drain (off in tests: one JVM holds many contexts, and the
 *                      handler would outlive them)
 */
@ConfigurationProperties("tokenbroker.shutdown")
public record ShutdownConfiguration(
        @Bindable(defaultValue = "5s") Duration drain,
        @Bindable(defaultValue = "10s") Duration inFlight,
        @Bindable(defaultValue = "5s") Duration flush,
        @Bindable(defaultValue = "true") boolean signalHandler) {

    public ShutdownConfiguration {
        if (drain.isNegative() || inFlight.isNegative() || flush.isNegative()) {
            throw new IllegalArgumentException("tokenbroker.shutdown durations must not be negative");
        }
    }
}
