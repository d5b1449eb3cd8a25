package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.port.out.ApiKeys;
import io.tokenbroker.domain.apikey.ApiKey;
import io.tokenbroker.domain.apikey.ApiKeyId;
import io.tokenbroker.domain.apikey.Scope;
import io.tokenbroker.domain.apikey.TenantScope;
import io.tokenbroker.domain.connection.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * API keys in PostgreSQL, so every instance sees a key, a revocation or a rotation the moment it is written. Every
 * statement goes through the {@link DatabaseBreaker}: during an outage a lookup fails at once, and the keys an instance
 * already verified are served from its own memory (see the application's key authentication).
 */
public final class JdbcApiKeys implements ApiKeys {

    private final ApiKeyRepository rows;
    private final DatabaseBreaker database;

    public JdbcApiKeys(ApiKeyRepository rows) {
        this(rows, DatabaseBreaker.withDefaults(Clock.systemUTC()));
    }

    public JdbcApiKeys(ApiKeyRepository rows, DatabaseBreaker database) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.database = Objects.requireNonNull(database, "database");
    }

    @Override
    public Optional<ApiKey> find(ApiKeyId id) {
        return database.call("reading API key " + id, () -> rows.findById(id.value())).map(JdbcApiKeys::apiKey);
    }

    @Override
    public void save(ApiKey key) {
        database.run("saving API key " + key.id(), () -> rows.upsert(key.id().value(), key.name(),
                key.scopes().stream().map(Scope::wireName).sorted().toArray(String[]::new), key.tenants().all(),
                key.tenants().tenants().stream().map(TenantId::value).sorted().toArray(String[]::new),
                key.secretHash(), key.createdAt(), key.expiresAt().orElse(null), key.revokedAt().orElse(null),
                key.lastUsedAt().orElse(null)));
    }

    @Override
    public List<ApiKey> list() {
        return database.call("listing API keys", rows::listInCreationOrder).stream().map(JdbcApiKeys::apiKey)
                .toList();
    }

    @Override
    public void recordUse(Map<ApiKeyId, Instant> lastUsed) {
        database.run("recording API key use",
                () -> lastUsed.forEach((id, usedAt) -> rows.recordUse(id.value(), usedAt)));
    }

    private static ApiKey apiKey(ApiKeyRow row) {
        // A scope this version does not know (written by a newer one) is left out, never widened.
        Set<Scope> scopes = Arrays.stream(row.scopes()).map(Scope::fromWireName).flatMap(Optional::stream)
                .collect(Collectors.toSet());
        Set<TenantId> tenants = Arrays.stream(row.tenants()).map(TenantId::of).collect(Collectors.toSet());
        return new ApiKey(new ApiKeyId(row.id()), row.name(), scopes,
                row.allTenants() ? TenantScope.allTenants() : TenantScope.only(tenants),
                row.createdAt(), Optional.ofNullable(row.expiresAt()), Optional.ofNullable(row.revokedAt()),
                Optional.ofNullable(row.lastUsedAt()), row.secretHash());
    }
}
