package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.apikey.ApiKey;
import io.tokenbroker.domain.apikey.ApiKeyId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Stored API keys (hashes only). Safe for concurrent use. */
public interface ApiKeys {

    Optional<ApiKey> find(ApiKeyId id);

    /** Inserts or replaces the key with this id. */
    void save(ApiKey key);

    /** Every key, revoked and expired ones included, oldest first. */
    List<ApiKey> list();

    /** Records when keys were last used; a later instant than the stored one wins, an earlier one is ignored. */
    void recordUse(Map<ApiKeyId, Instant> lastUsed);
}
