package io.tokenbroker.adapters.postgres;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * A row of {@code connections} as stored: secrets sealed, non-secret fields as the JSON text of {@code settings}.
 * Mapped to and from a domain {@code Connection} by {@link JdbcConnections} only.
 */
@MappedEntity("connections")
public record ConnectionRow(
        @Id @GeneratedValue Long id,
        String tenant,
        String name,
        String provider,
        String settings,
        @Nullable String clientSecretKeyId,
        @Nullable byte[] clientSecret,
        @Nullable String refreshTokenKeyId,
        @Nullable byte[] refreshToken,
        @Nullable Instant refreshTokenExpiresAt,
        long fence,
        String savedBy,
        long version,
        Instant createdAt,
        Instant updatedAt) {
}
