package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code tokenbroker.postgres.*}, the settings that decide how a database outage is survived (docs/operations.md,
 * <i>PostgreSQL outage</i>).
 *
 * @param connectionTimeout       how long a statement waits for a pooled connection (Hikari's connection timeout)
 *                                unless {@code datasources.default.connection-timeout} is set
 * @param statementTimeout        the server's {@code statement_timeout} for the broker's own connections (0: none);
 *                                migrations run without it
 * @param breakerFailureThreshold consecutive failed statements that open the database breaker
 * @param breakerOpenDuration     how long an open breaker refuses statements before one probe
 * @param rememberedConnections   connections (sealed, as stored) and re-authorisation marks each instance keeps to
 *                                serve refreshes during an outage
 * @param pendingDir              where rotated refresh tokens wait (fsynced) when neither PostgreSQL nor Redis takes
 *                                them; a mounted volume on a read-only root filesystem; unset: no file
 */
@ConfigurationProperties("tokenbroker.postgres")
public record PostgresOutageConfiguration(
        @Bindable(defaultValue = "800ms") Duration connectionTimeout,
        @Bindable(defaultValue = "1s") Duration statementTimeout,
        @Bindable(defaultValue = "2") int breakerFailureThreshold,
        @Bindable(defaultValue = "2s") Duration breakerOpenDuration,
        @Bindable(defaultValue = "10000") int rememberedConnections,
        @Nullable String pendingDir) {
}
