package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.port.out.ApiKeys;
import io.tokenbroker.domain.apikey.ApiKey;
import io.tokenbroker.domain.apikey.ApiKeyId;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The embedded default's API keys; gone with the process (a new admin key is printed at each start). */
public final class InMemoryApiKeys implements ApiKeys {

    private final ConcurrentMap<ApiKeyId, ApiKey> keys = new ConcurrentHashMap<>();

    @Override
    public Optional<ApiKey> find(ApiKeyId id) {
        return Optional.ofNullable(keys.get(id));
    }

    @Override
    public void save(ApiKey key) {
        keys.put(key.id(), key);
    }

    @Override
    public List<ApiKey> list() {
        return keys.values().stream().sorted(Comparator.comparing(ApiKey::createdAt)
                .thenComparing(key -> key.id().value())).toList();
    }

    @Override
    public void recordUse(Map<ApiKeyId, Instant> lastUsed) {
        lastUsed.forEach((id, at) -> keys.computeIfPresent(id, (k, key) -> key.usedAt(at)));
    }
}
