package io.tokenbroker.application.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.port.out.ApiKeys;
import io.tokenbroker.domain.apikey.ApiKey;
import io.tokenbroker.domain.apikey.ApiKeyId;
import io.tokenbroker.domain.apikey.Scope;
import io.tokenbroker.domain.apikey.TenantScope;
import io.tokenbroker.domain.connection.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ApiKeys} adapter must do. */
public abstract class ApiKeysContract {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private ApiKeys keys;

    /** An adapter over empty storage. */
    protected abstract ApiKeys newApiKeys();

    @BeforeEach
    void create() {
        keys = newApiKeys();
    }

    private static ApiKey key(String id, Instant createdAt) {
        return new ApiKey(new ApiKeyId(id), "ci " + id, Set.of(Scope.TOKEN_READ, Scope.LOGS_READ),
                TenantScope.only(Set.of(TenantId.of("acme"), TenantId.of("globex"))), createdAt,
                Optional.of(createdAt.plusSeconds(86_400)), Optional.empty(), Optional.empty(), "$2y$12$hash-" + id);
    }

    @Test
    void anUnknownIdIsNotFound() {
        assertTrue(keys.find(new ApiKeyId("0000000000000000")).isEmpty());
    }

    @Test
    void aSavedKeyReadsBackEqual() {
        ApiKey key = key("aaaaaaaaaaaaaaaa", T0);
        keys.save(key);

        assertEquals(Optional.of(key), keys.find(key.id()));
    }

    @Test
    void saveReplacesTheKeyWithTheSameId() {
        ApiKey key = key("aaaaaaaaaaaaaaaa", T0);
        keys.save(key);
        keys.save(key.revoked(T0.plusSeconds(5)));

        assertEquals(Optional.of(T0.plusSeconds(5)), keys.find(key.id()).orElseThrow().revokedAt());
        assertEquals(1, keys.list().size());
    }

    @Test
    void listIsOldestFirst() {
        keys.save(key("bbbbbbbbbbbbbbbb", T0.plusSeconds(10)));
        keys.save(key("aaaaaaaaaaaaaaaa", T0));

        assertEquals(List.of("aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"),
                keys.list().stream().map(k -> k.id().value()).toList());
    }

    @Test
    void recordUseKeepsTheLatestInstantAndIgnoresUnknownIds() {
        ApiKey key = key("aaaaaaaaaaaaaaaa", T0);
        keys.save(key);

        keys.recordUse(Map.of(key.id(), T0.plusSeconds(60), new ApiKeyId("zzzzzzzzzzzzzzzz"), T0));
        keys.recordUse(Map.of(key.id(), T0.plusSeconds(30)));

        assertEquals(Optional.of(T0.plusSeconds(60)), keys.find(key.id()).orElseThrow().lastUsedAt());
        assertTrue(keys.find(new ApiKeyId("zzzzzzzzzzzzzzzz")).isEmpty());
    }
}
