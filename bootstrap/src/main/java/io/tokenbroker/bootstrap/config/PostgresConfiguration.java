package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code tokenbroker.postgres.*}: tuning of the PostgreSQL adapters (the connection itself is Micronaut's
 * {@code datasources.default.*}).
 *
 * @param instanceId           written into every refresh log row; defaults to host name and process id
 * @param logQueueCapacity     refresh attempts waiting to be written before new ones are counted as dropped
 * @param logBatchSize         rows per insert batch
 * @param pendingFlushInterval how often rotations held during a database outage are retried
 */
@ConfigurationProperties("tokenbroker.postgres")
public record PostgresConfiguration(
        @Nullable String instanceId,
        @Bindable(defaultValue = "10000") int logQueueCapacity,
        @Bindable(defaultValue = "200") int logBatchSize,
        @Bindable(defaultValue = "5s") Duration pendingFlushInterval) {
}
