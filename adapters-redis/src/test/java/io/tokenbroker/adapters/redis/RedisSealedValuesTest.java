package io.tokenbroker.adapters.redis;

import static io.tokenbroker.application.testing.TokenTestData.aToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.api.sync.RedisCommands;
import io.tokenbroker.application.port.out.IdempotencyRecords.Entry;
import io.tokenbroker.application.port.out.IdempotencyRecords.StoredResponse;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.TestSeals;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the Redis adapters write is sealed, bound to its key, and survives a key rotation. */
class RedisSealedValuesTest {

    @RegisterExtension
    static final RedisPerClass REDIS = new RedisPerClass();
    private static final ConnectionKey ACME = ConnectionKey.of("acme", "crm");
    private static final ConnectionKey GLOBEX = ConnectionKey.of("globex", "crm");
    private static final Duration TTL = Duration.ofMinutes(5);

    private final TestClock clock = TestClock.at(Instant.parse("2026-12-03T08:00:00Z"));

    @Test
    void redisHoldsNoTokenAndTheStoreStillServesIt() {
        RedisFixture fixture = REDIS.freshFixture();
        RedisAdapters adapters = fixture.adapters(clock, "a", new TestSeals("k1"));
        AccessToken token = aToken("at-plain-acme-0123456789", clock, TTL);

        adapters.sharedTokenStore().put(ACME, token, TTL, 1);

        String stored = fixture.raw().sync().hget("tb:{acme:crm}:token", "v");
        assertFalse(stored.contains(token.value()), "the value is sealed");
        assertTrue(stored.startsWith("k1:"), "the key id travels with the value");
        assertEquals(Optional.of(token), adapters.sharedTokenStore().find(ACME));
    }

    @Test
    void aValueCopiedToAnotherConnectionsKeyIsAMissAndCounted() {
        RedisFixture fixture = REDIS.freshFixture();
        RedisAdapters adapters = fixture.adapters(clock, "a", new TestSeals("k1"));
        adapters.sharedTokenStore().put(ACME, aToken("at-acme", clock, TTL), TTL, 1);
        adapters.sharedTokenStore().put(GLOBEX, aToken("at-globex", clock, TTL), TTL, 1);
        RedisCommands<String, String> raw = fixture.raw().sync();

        raw.hset("tb:{globex:crm}:token", "v", raw.hget("tb:{acme:crm}:token", "v"));

        assertEquals(Optional.empty(), adapters.sharedTokenStore().find(GLOBEX), "never served as globex's token");
        assertEquals(1, adapters.refusedValues());
        raw.hset("tb:{globex:crm}:token", "v", "k1:AAAAtampered");
        assertEquals(Optional.empty(), adapters.sharedTokenStore().find(GLOBEX), "tampered");
        assertEquals(2, adapters.refusedValues());
    }

    @Test
    void idempotentAnswersAreSealedAndBoundToTheirKey() {
        RedisFixture fixture = REDIS.freshFixture();
        RedisAdapters adapters = fixture.adapters(clock, "a", new TestSeals("k1"));
        String body = "{\"secret\":\"tbk_live_new-api-key-secret\"}";
        adapters.idempotencyRecords().claim("idem:one", "fp", TTL);
        adapters.idempotencyRecords().complete("idem:one", "fp", new StoredResponse(201, body), TTL);

        assertFalse(fixture.raw().sync().get("tb:idem:one").contains("tbk_live"), "the answer is sealed");
        assertEquals(Optional.of(new Entry("fp", Optional.of(new StoredResponse(201, body)))),
                adapters.idempotencyRecords().claim("idem:one", "fp", TTL));
        RedisCommands<String, String> raw = fixture.raw().sync();
        raw.set("tb:idem:two", raw.get("tb:idem:one"));
        assertEquals(Optional.empty(), adapters.idempotencyRecords().claim("idem:two", "fp", TTL),
                "a copied answer is no record");
    }

    @Test
    void afterARotationOldValuesServeNewOnesUseTheNewKeyAndResealingRetiresTheOld() {
        RedisFixture fixture = REDIS.freshFixture();
        AccessToken old = aToken("at-under-k1", clock, TTL);
        fixture.adapters(clock, "before", new TestSeals("k1")).sharedTokenStore().put(ACME, old, TTL, 1);

        RedisAdapters rotated = fixture.adapters(clock, "rotated", new TestSeals("k2", "k1"));
        assertEquals(Optional.of(old), rotated.sharedTokenStore().find(ACME), "sealed under k1, still served");
        AccessToken fresh = aToken("at-under-k2", clock, TTL);
        rotated.sharedTokenStore().put(GLOBEX, fresh, TTL, 1);
        RedisCommands<String, String> raw = fixture.raw().sync();
        assertTrue(raw.hget("tb:{globex:crm}:token", "v").startsWith("k2:"), "new writes use the new key");

        assertEquals(1, rotated.resealTokens(), "only the k1 value moves");
        assertEquals(0, rotated.resealTokens(), "nothing left to move");

        RedisAdapters onlyK2 = fixture.adapters(clock, "after", new TestSeals("k2"));
        assertEquals(Optional.of(old), onlyK2.sharedTokenStore().find(ACME));
        assertEquals(Optional.of(fresh), onlyK2.sharedTokenStore().find(GLOBEX));
        assertEquals(0, onlyK2.refusedValues());
    }
}
