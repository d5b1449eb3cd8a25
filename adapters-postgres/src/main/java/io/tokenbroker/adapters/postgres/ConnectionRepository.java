package io.tokenbroker.adapters.postgres;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code connections} table. Values arrive sealed: this repository never sees a plaintext secret. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ConnectionRepository extends GenericRepository<ConnectionRow, Long> {

    Optional<ConnectionRow> findByTenantAndName(String tenant, String name);

    /** Creates or replaces the row; true when it was created. The fence survives a replacement. */
    @Query("""
            INSERT INTO connections (tenant, name, provider, settings, client_secret_key_id, client_secret,
                                     refresh_token_key_id, refresh_token, refresh_token_expires_at, fence, saved_by,
                                     version, created_at, updated_at)
            VALUES (:tenant, :name, :provider, CAST(:settings AS jsonb), :clientSecretKeyId, :clientSecret,
                    :refreshTokenKeyId, :refreshToken, NULL, 0, :savedBy, 1, :now, :now)
            ON CONFLICT (tenant, name) DO UPDATE SET
                provider = EXCLUDED.provider, settings = EXCLUDED.settings, saved_by = EXCLUDED.saved_by,
                client_secret_key_id = EXCLUDED.client_secret_key_id, client_secret = EXCLUDED.client_secret,
                refresh_token_key_id = EXCLUDED.refresh_token_key_id, refresh_token = EXCLUDED.refresh_token,
                refresh_token_expires_at = NULL, version = connections.version + 1, updated_at = EXCLUDED.updated_at
            RETURNING (xmax = 0) AS created""")
    boolean upsert(String tenant, String name, String provider, String settings, @Nullable String clientSecretKeyId,
                   @Nullable byte[] clientSecret, @Nullable String refreshTokenKeyId, @Nullable byte[] refreshToken,
                   String savedBy, Instant now);

    /** The fenced compare-and-set of a rotation: 1 when written, 0 when a writer with an equal or higher fence won. */
    @Query("""
            UPDATE connections
               SET refresh_token_key_id = :keyId, refresh_token = :token, refresh_token_expires_at = :expiresAt,
                   fence = :fence, version = version + 1, updated_at = :now
             WHERE tenant = :tenant AND name = :name AND fence < :fence""")
    int rotate(String tenant, String name, String keyId, byte[] token, @Nullable Instant expiresAt, long fence,
               Instant now);

    /**
     * The reconnect-warning mark, kept in {@code settings} (no migration): an upsert replaces settings and so drops
     * it, a rotation leaves it. A compare-and-set on the previous mark (NULL: none); 1 when written.
     */
    @Query("""
            UPDATE connections SET settings = jsonb_set(settings, '{reconnect_warned}', to_jsonb(CAST(:warned AS text)))
             WHERE tenant = :tenant AND name = :name
               AND (settings ->> 'reconnect_warned') IS NOT DISTINCT FROM CAST(:previous AS text)""")
    int markReconnectWarned(String tenant, String name, @Nullable String previous, String warned);

    @Query("SELECT settings ->> 'reconnect_warned' FROM connections WHERE tenant = :tenant AND name = :name")
    Optional<String> findReconnectWarned(String tenant, String name);

    @Query("DELETE FROM connections WHERE tenant = :tenant AND name = :name")
    int remove(String tenant, String name);

    @Query("SELECT fence FROM connections WHERE tenant = :tenant AND name = :name")
    Optional<Long> findFence(String tenant, String name);

    /**
     * One page of keys in {@code Connections.LISTING_ORDER}. COLLATE "C": the page boundary must compare code
     * points as that order does, whatever the database's default collation.
     */
    @Query("""
            SELECT tenant, name FROM connections
             WHERE (:everyTenant OR tenant = ANY (:tenants))
               AND (:fromStart OR (tenant COLLATE "C", name COLLATE "C") > (:afterTenant COLLATE "C",
                                                                         :afterName COLLATE "C"))
             ORDER BY tenant COLLATE "C", name COLLATE "C"
             LIMIT :limit""")
    List<ConnectionName> list(boolean everyTenant, String[] tenants, boolean fromStart, String afterTenant,
                              String afterName, int limit);

    /**
     * The first row after {@code afterId} with a secret sealed under a key other than {@code active}. A NULL key id
     * compares as NULL, so a row without that secret is not picked for it.
     */
    @Query("""
            SELECT id FROM connections
             WHERE id > :afterId AND (client_secret_key_id <> :active OR refresh_token_key_id <> :active)
             ORDER BY id LIMIT 1""")
    Optional<Long> nextSealedUnderAnotherKey(long afterId, String active);

    /** The row, locked until the surrounding transaction ends, so a racing rotation waits and applies on top. */
    @Query("SELECT * FROM connections WHERE id = :id FOR UPDATE")
    Optional<ConnectionRow> lock(long id);

    @Query("""
            UPDATE connections SET client_secret_key_id = :clientSecretKeyId, client_secret = :clientSecret,
                                   refresh_token_key_id = :refreshTokenKeyId, refresh_token = :refreshToken,
                                   updated_at = :now
             WHERE id = :id""")
    int reseal(long id, @Nullable String clientSecretKeyId, @Nullable byte[] clientSecret,
               @Nullable String refreshTokenKeyId, @Nullable byte[] refreshToken, Instant now);
}
