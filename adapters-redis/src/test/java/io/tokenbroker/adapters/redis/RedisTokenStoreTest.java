package io.tokenbroker.adapters.redis;

import io.tokenbroker.application.contract.TokenStoreContract;
import io.tokenbroker.application.port.out.TokenStore;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared store alone, against a real Redis. It follows the injected clock: every entry carries its
 * serve-until instant, which {@code find} checks, so the contract's expiry test runs here too (the Redis TTL is
 * the same instant by the server's clock, and only collects the garbage).
 */
class RedisTokenStoreTest extends TokenStoreContract {

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
        return fixture.adapters(clock, "test").sharedTokenStore();
    }
}
