package io.tokenbroker.adapters.redis;

import io.tokenbroker.application.contract.TokenStoreContract;
import io.tokenbroker.application.port.out.TokenStore;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared store alone, against a real Redis. It follows the injected clock: every entry carries its
 * serve-until instant, which {@code find} checks, so the contract's expiry test runs here too (the Redis TTL is
 * the same instant by the server's clock, and only collects the garbage).
 */
class RedisTokenStoreTest extends TokenStoreContract {

    @RegisterExtension
    static final RedisPerClass REDIS = new RedisPerClass();
    private RedisFixture fixture;

    @Override
    protected TokenStore newStore(Clock clock) {
        fixture = REDIS.freshFixture();
        return fixture.adapters(clock, "test").sharedTokenStore();
    }
}
