package io.tokenbroker.adapters.postgres;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code api_keys} table; {@code last_used_at} only moves forward, whichever instance writes it. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ApiKeyRepository extends GenericRepository<ApiKeyRow, String> {

    Optional<ApiKeyRow> findById(String id);

    @Query("SELECT * FROM api_keys ORDER BY created_at, id")
    List<ApiKeyRow> listInCreationOrder();

    @Query("""
            INSERT INTO api_keys (id, name, scopes, all_tenants, tenants, secret_hash, created_at, expires_at,
                                  revoked_at, last_used_at)
            VALUES (:id, :name, :scopes, :allTenants, :tenants, :secretHash, :createdAt, :expiresAt, :revokedAt,
                    :lastUsedAt)
            ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, scopes = EXCLUDED.scopes,
                all_tenants = EXCLUDED.all_tenants, tenants = EXCLUDED.tenants,
                secret_hash = EXCLUDED.secret_hash, expires_at = EXCLUDED.expires_at,
                revoked_at = EXCLUDED.revoked_at,
                last_used_at = GREATEST(api_keys.last_used_at, EXCLUDED.last_used_at)""")
    void upsert(String id, String name, String[] scopes, boolean allTenants, String[] tenants, String secretHash,
                Instant createdAt, @Nullable Instant expiresAt, @Nullable Instant revokedAt,
                @Nullable Instant lastUsedAt);

    @Query("UPDATE api_keys SET last_used_at = GREATEST(last_used_at, :lastUsed) WHERE id = :id")
    void recordUse(String id, Instant lastUsed);
}
