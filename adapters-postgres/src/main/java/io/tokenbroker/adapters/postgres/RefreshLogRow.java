package io.tokenbroker.adapters.postgres;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A row of {@code refresh_log}; mapped to and from a domain {@code RefreshAttempt} by {@link JdbcRefreshLog} only. */
@MappedEntity("refresh_log")
public record RefreshLogRow(
        @Id @GeneratedValue @Nullable Long id,
        String tenant,
        String connection,
        String trigger,
        String outcome,
        Instant startedAt,
        Instant completedAt,
        long durationMs,
        int attempt,
        @Nullable Integer upstreamStatus,
        @Nullable String errorCode,
        @Nullable String message,
        String instanceId,
        long fence) {
}
