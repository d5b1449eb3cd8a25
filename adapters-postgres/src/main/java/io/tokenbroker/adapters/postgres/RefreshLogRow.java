package io.tokenbroker.adapters.postgres;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * A row of {@code refresh_log}; mapped to and from the domain's {@code ChainLink} by {@link ChainRows} only. A gap row
 * ({@code kind = 'gap'}) has no trigger, outcome or attempt number, and counts {@code dropped} attempts; rows from
 * before the chain have no {@code seq}, {@code prevHash} or {@code hash}.
 */
@MappedEntity("refresh_log")
public record RefreshLogRow(
        @Id @GeneratedValue @Nullable Long id,
        String tenant,
        String connection,
        @Nullable String trigger,
        @Nullable String outcome,
        Instant startedAt,
        Instant completedAt,
        long durationMs,
        @Nullable Integer attempt,
        @Nullable Integer upstreamStatus,
        @Nullable String errorCode,
        @Nullable String message,
        String instanceId,
        long fence,
        @Nullable Long seq,
        @Nullable String prevHash,
        @Nullable String hash,
        String kind,
        @Nullable Long dropped) {
}
