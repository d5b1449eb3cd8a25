package io.tokenbroker.adapters.redis;

import io.tokenbroker.application.contract.LockManagerContract;
import io.tokenbroker.application.port.out.LockManager;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisLockManagerTest extends LockManagerContract {

    @RegisterExtension
    static final RedisPerClass REDIS = new RedisPerClass();
    private RedisFixture fixture;

    @Override
    protected LockManager newLockManager() {
        fixture = REDIS.freshFixture();
        return fixture.adapters(Clock.systemUTC(), "test").lockManager();
    }
}
