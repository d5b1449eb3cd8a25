package io.tokenbroker.adapters.postgres;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A row of {@code api_keys}; mapped to and from a domain {@code ApiKey} by {@link JdbcApiKeys} only. */
@MappedEntity("api_keys")
public record ApiKeyRow(
        @Id String id,
        String name,
        String[] scopes,
        boolean allTenants,
        String[] tenants,
        String secretHash,
        Instant createdAt,
        @Nullable Instant expiresAt,
        @Nullable Instant revokedAt,
        @Nullable Instant lastUsedAt) {
}
