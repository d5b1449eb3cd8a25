package io.tokenbroker.adapters.redis;

import io.tokenbroker.application.contract.TokenStoreContract;
import io.tokenbroker.application.port.out.TokenStore;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The store the service uses, near cache in front of Redis, keeps the same contract. */
class NearCachedTokenStoreTest extends TokenStoreContract {

    private static EmbeddedRedis redis;
    private RedisFixture fixture;

    @BeforeAll
    static void startRedis() {
        redis = EmbeddedRedis.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @AfterEach
    void closeAdapters() throws Exception {
        fixture.close();
    }

    @Override
    protected TokenStore newStore(Clock clock) {
        fixture = new RedisFixture(redis);
        fixture.flushAll();
        return fixture.adapters(clock, "test").tokenStore();
    }
}
