package io.tokenbroker.adapters.redis;

import io.tokenbroker.application.contract.LockManagerContract;
import io.tokenbroker.application.port.out.LockManager;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

class RedisLockManagerTest extends LockManagerContract {

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
    protected LockManager newLockManager() {
        fixture = new RedisFixture(redis);
        fixture.flushAll();
        return fixture.adapters(Clock.systemUTC(), "test").lockManager();
    }
}
