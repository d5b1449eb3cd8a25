package io.tokenbroker.adapters.redis;

import io.tokenbroker.application.contract.TokenStoreContract;
import io.tokenbroker.application.port.out.TokenStore;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store the service uses with the near cache turned off (size 0): every read, the one without blocking too,
 * goes to Redis, and it keeps the same contract.
 */
class NearCacheOffTokenStoreTest extends TokenStoreContract {

    @RegisterExtension
    static final RedisPerClass REDIS = new RedisPerClass();

    @Override
    protected TokenStore newStore(Clock clock) {
        RedisFixture fixture = REDIS.freshFixture();
        return fixture.adapters(fixture.client(), clock, "test",
                new RedisAdapters.Settings("tb", RedisFixture.COMMAND_TIMEOUT, 0, Duration.ofSeconds(1)))
                .tokenStore();
    }
}
