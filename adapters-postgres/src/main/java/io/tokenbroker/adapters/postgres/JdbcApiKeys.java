package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.port.out.ApiKeys;
import io.tokenbroker.domain.apikey.ApiKey;
import io.tokenbroker.domain.apikey.ApiKeyId;
import io.tokenbroker.domain.apikey.Scope;
import io.tokenbroker.domain.apikey.TenantScope;
import io.tokenbroker.domain.connection.TenantId;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/** API keys in PostgreSQL, so every instance sees a key, a revocation or a rotation the moment it is written. */
public final class JdbcApiKeys implements ApiKeys {

    private static final String COLUMNS =
            "id, name, scopes, all_tenants, tenants, secret_hash, created_at, expires_at, revoked_at, last_used_at";

    private final DataSource dataSource;

    public JdbcApiKeys(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Optional<ApiKey> find(ApiKeyId id) {
        try (var db = dataSource.getConnection();
             PreparedStatement select = db.prepareStatement("SELECT " + COLUMNS + " FROM api_keys WHERE id = ?")) {
            select.setString(1, id.value());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(read(row)) : Optional.empty();
            }
        } catch (SQLException failure) {
            throw new StorageUnavailableException("reading API key " + id + " failed (SQLState "
                    + failure.getSQLState() + ")", failure);
        }
    }

    @Override
    public void save(ApiKey key) {
        try (var db = dataSource.getConnection(); PreparedStatement upsert = db.prepareStatement("""
                INSERT INTO api_keys (%s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, scopes = EXCLUDED.scopes,
                    all_tenants = EXCLUDED.all_tenants, tenants = EXCLUDED.tenants,
                    secret_hash = EXCLUDED.secret_hash, expires_at = EXCLUDED.expires_at,
                    revoked_at = EXCLUDED.revoked_at,
                    last_used_at = GREATEST(api_keys.last_used_at, EXCLUDED.last_used_at)""".formatted(COLUMNS))) {
            upsert.setString(1, key.id().value());
            upsert.setString(2, key.name());
            upsert.setArray(3, db.createArrayOf("text", key.scopes().stream().map(Scope::wireName).sorted().toArray()));
            upsert.setBoolean(4, key.tenants().all());
            upsert.setArray(5, db.createArrayOf("text",
                    key.tenants().tenants().stream().map(TenantId::value).sorted().toArray()));
            upsert.setString(6, key.secretHash());
            upsert.setObject(7, timestamp(key.createdAt()));
            upsert.setObject(8, key.expiresAt().map(JdbcApiKeys::timestamp).orElse(null));
            upsert.setObject(9, key.revokedAt().map(JdbcApiKeys::timestamp).orElse(null));
            upsert.setObject(10, key.lastUsedAt().map(JdbcApiKeys::timestamp).orElse(null));
            upsert.executeUpdate();
        } catch (SQLException failure) {
            throw new StorageUnavailableException("saving API key " + key.id() + " failed (SQLState "
                    + failure.getSQLState() + ")", failure);
        }
    }

    @Override
    public List<ApiKey> list() {
        try (var db = dataSource.getConnection();
             PreparedStatement select = db.prepareStatement("SELECT " + COLUMNS
                     + " FROM api_keys ORDER BY created_at, id");
             ResultSet rows = select.executeQuery()) {
            List<ApiKey> keys = new ArrayList<>();
            while (rows.next()) {
                keys.add(read(rows));
            }
            return keys;
        } catch (SQLException failure) {
            throw new StorageUnavailableException("listing API keys failed (SQLState " + failure.getSQLState() + ")",
                    failure);
        }
    }

    @Override
    public void recordUse(Map<ApiKeyId, Instant> lastUsed) {
        if (lastUsed.isEmpty()) {
            return;
        }
        try (var db = dataSource.getConnection(); PreparedStatement update = db.prepareStatement("""
                UPDATE api_keys SET last_used_at = GREATEST(last_used_at, ?) WHERE id = ?""")) {
            for (Map.Entry<ApiKeyId, Instant> use : lastUsed.entrySet()) {
                update.setObject(1, timestamp(use.getValue()));
                update.setString(2, use.getKey().value());
                update.addBatch();
            }
            update.executeBatch();
        } catch (SQLException failure) {
            throw new StorageUnavailableException("recording API key use failed (SQLState "
                    + failure.getSQLState() + ")", failure);
        }
    }

    private static ApiKey read(ResultSet row) throws SQLException {
        Set<Scope> scopes = new HashSet<>();
        for (String scope : strings(row.getArray("scopes"))) {
            Scope.fromWireName(scope).ifPresent(scopes::add);
        }
        Set<TenantId> tenants = new HashSet<>();
        for (String tenant : strings(row.getArray("tenants"))) {
            tenants.add(TenantId.of(tenant));
        }
        return new ApiKey(new ApiKeyId(row.getString("id")), row.getString("name"), scopes,
                row.getBoolean("all_tenants") ? TenantScope.allTenants() : TenantScope.only(tenants),
                instant(row, "created_at").orElseThrow(), instant(row, "expires_at"), instant(row, "revoked_at"),
                instant(row, "last_used_at"), row.getString("secret_hash"));
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    }

    private static Optional<Instant> instant(ResultSet row, String column) throws SQLException {
        return Optional.ofNullable(row.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
