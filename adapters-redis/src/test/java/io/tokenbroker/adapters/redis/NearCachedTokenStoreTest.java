package io.tokenbroker.adapters.redis;

import io.tokenbroker.application.contract.TokenStoreContract;
import io.tokenbroker.application.port.out.TokenStore;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store the service uses, near cache in front of Redis, keeps the same contract. */
class NearCachedTokenStoreTest extends TokenStoreContract {

    @RegisterExtension
    static final RedisPerClass REDIS = new RedisPerClass();
    private RedisFixture fixture;

    @Override
    protected TokenStore newStore(Clock clock) {
        fixture = REDIS.freshFixture();
        return fixture.adapters(clock, "test").tokenStore();
    }

    @Override
    protected TokenStore.Source sourceOfATokenJustPut() {
        return TokenStore.Source.NEAR_CACHE;
    }
}
