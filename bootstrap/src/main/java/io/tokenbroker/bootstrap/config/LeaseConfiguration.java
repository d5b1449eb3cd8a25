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
 * @param postgresConnections while Redis is unreachable, leases held through PostgreSQL (and their waiters) at once
 *                per instance, each on a pool connection of its own that is added to the datasource's pool; 0 turns
 *                the PostgreSQL fallback off (in-process leases only while Redis is down)
 */
@ConfigurationProperties("tokenbroker.lease")
public record LeaseConfiguration(
        @Bindable(defaultValue = "10s") Duration ttl,
        @Bindable(defaultValue = "15s") Duration maxWait,
        @Bindable(defaultValue = "4") int postgresConnections) {

    public LeaseConfiguration {
        if (postgresConnections < 0) {
            throw new IllegalArgumentException("tokenbroker.lease.postgres-connections must not be negative");
        }
    }

    public LeaseSettings settings() {
        return new LeaseSettings(ttl, maxWait);
    }
}
