package io.tokenbroker.adapters.redis;

import static io.tokenbroker.application.testing.TokenTestData.aToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.adapters.redis.RedisEvents.Type;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances' near caches over one Redis: a change on one evicts on the other within one pub/sub hop. The
 * tests wait for the event to reach the other instance (a latch on its listener), never for a span of time.
 */
class NearCacheAcrossInstancesTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final Duration TTL = Duration.ofMinutes(5);

    private static EmbeddedRedis redis;
    private RedisFixture fixture;
    private TestClock clock;
    private RedisAdapters a;
    private RedisAdapters b;

    @BeforeAll
    static void startRedis() {
        redis = EmbeddedRedis.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void twoInstances() {
        fixture = new RedisFixture(redis);
        fixture.flushAll();
        clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
        a = fixture.adapters(clock, "a");
        b = fixture.adapters(clock, "b");
    }

    @AfterEach
    void closeAdapters() throws Exception {
        fixture.close();
    }

    private CountDownLatch nextEventOnB(Type type) {
        CountDownLatch heard = new CountDownLatch(1);
        b.events().addListener(event -> {
            if (event.key().equals(KEY) && event.type() == type) {
                heard.countDown();
            }
        });
        return heard;
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(20, TimeUnit.SECONDS), "the event never reached the other instance");
    }

    @Test
    void aHitIsServedFromProcessMemory() {
        AccessToken token = aToken("tok-near", clock, Duration.ofHours(1));
        a.tokenStore().put(KEY, token, TTL, 1);
        fixture.raw().sync().del("tb:{acme:crm}:token"); // behind the adapters' back: no event

        assertEquals(Optional.of(token), a.tokenStore().find(KEY));
        assertEquals(Optional.empty(), a.sharedTokenStore().find(KEY));
    }

    @Test
    void lookupSaysWhetherAHitLeftTheProcess() throws Exception {
        AccessToken token = aToken("tok-where", clock, Duration.ofHours(1));
        CountDownLatch stored = nextEventOnB(Type.STORED);
        a.tokenStore().put(KEY, token, TTL, 1);
        // A read racing the write's announcement is, rightly, not kept near: let the announcement land first.
        await(stored);

        assertEquals(Optional.of(new TokenStore.Found(token, TokenStore.Source.NEAR_CACHE)), a.tokenStore().lookup(KEY),
                "the writer kept it in process");
        assertEquals(Optional.of(new TokenStore.Found(token, TokenStore.Source.STORE)), b.tokenStore().lookup(KEY),
                "the other instance's first read goes to Redis");
        assertEquals(Optional.of(new TokenStore.Found(token, TokenStore.Source.NEAR_CACHE)), b.tokenStore().lookup(KEY),
                "and keeps it for the next");
    }

    @Test
    void anInvalidationOnOneInstanceEvictsTheOthersNearCache() throws Exception {
        AccessToken token = aToken("tok-shared", clock, Duration.ofHours(1));
        a.tokenStore().put(KEY, token, TTL, 1);
        TokenStore onB = b.tokenStore();
        assertEquals(Optional.of(token), onB.find(KEY), "b reads it from Redis and keeps it near");
        CountDownLatch invalidated = nextEventOnB(Type.INVALIDATED);

        assertTrue(a.tokenStore().deleteIf(KEY, token.fingerprint()));

        await(invalidated);
        assertEquals(Optional.empty(), onB.find(KEY));
    }

    @Test
    void anInvalidationEvictsNearCachesEvenWhenRedisNoLongerHoldsTheToken() throws Exception {
        AccessToken token = aToken("tok-lost", clock, Duration.ofHours(1));
        a.tokenStore().put(KEY, token, TTL, 1);
        assertEquals(Optional.of(token), b.tokenStore().find(KEY));
        fixture.raw().sync().del("tb:{acme:crm}:token"); // as if Redis restarted empty
        CountDownLatch invalidated = nextEventOnB(Type.INVALIDATED);

        a.tokenStore().deleteIf(KEY, token.fingerprint());

        await(invalidated);
        assertEquals(Optional.empty(), b.tokenStore().find(KEY));
    }

    @Test
    void aNewTokenStoredOnOneInstanceReplacesTheOthersNearCachedOne() throws Exception {
        AccessToken older = aToken("tok-older", clock, Duration.ofHours(1));
        AccessToken newer = aToken("tok-newer", clock, Duration.ofHours(1));
        // The first store's own event must have reached B before we wait for the second one's: otherwise a late
        // first event could release the wait below while B still holds the older token.
        CountDownLatch first = nextEventOnB(Type.STORED);
        a.tokenStore().put(KEY, older, TTL, 1);
        await(first);
        assertEquals(Optional.of(older), b.tokenStore().find(KEY));
        CountDownLatch stored = nextEventOnB(Type.STORED);

        a.tokenStore().put(KEY, newer, TTL, 1);

        await(stored);
        assertEquals(Optional.of(newer), b.tokenStore().find(KEY));
    }

    @Test
    void withTheNearCacheOffEveryFindReadsRedis() {
        RedisAdapters withoutNearCache = fixture.adapters(fixture.client(), clock, "off",
                new RedisAdapters.Settings("tb", RedisFixture.COMMAND_TIMEOUT, 0, Duration.ofSeconds(1)));
        AccessToken token = aToken("tok-far", clock, Duration.ofHours(1));
        withoutNearCache.tokenStore().put(KEY, token, TTL, 1);
        assertEquals(Optional.of(token), withoutNearCache.tokenStore().find(KEY));

        fixture.raw().sync().del("tb:{acme:crm}:token");

        assertEquals(Optional.empty(), withoutNearCache.tokenStore().find(KEY));
    }

    @Test
    void theNearCacheNeverServesPastTheTtl() {
        AccessToken token = aToken("tok-buffer", clock, Duration.ofHours(1));
        a.tokenStore().put(KEY, token, TTL, 1);

        clock.advance(TTL);

        assertEquals(Optional.empty(), a.tokenStore().find(KEY));
    }
}
