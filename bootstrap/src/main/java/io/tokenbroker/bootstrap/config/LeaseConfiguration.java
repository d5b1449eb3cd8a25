package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.tokenbroker.application.service.LeaseSettings;
import java.time.Duration;

/**
 * {@code tokenbroker.lease.*}.
 *
 * @param ttl     how long a refresh lease outlives a holder that died; the holder's watchdog renews it every third of
 *                it while the refresh runs, so a slow upstream does not outlive it and a dead holder is replaced
 *                within one ttl
 * @param maxWait how long a caller waits for another holder's refresh before a 503 with Retry-After
 */
@ConfigurationProperties("tokenbroker.lease")
public record LeaseConfiguration(
        @Bindable(defaultValue = "10s") Duration ttl,
        @Bindable(defaultValue = "15s") Duration maxWait) {

    public LeaseSettings settings() {
        return new LeaseSettings(ttl, maxWait);
    }
}
