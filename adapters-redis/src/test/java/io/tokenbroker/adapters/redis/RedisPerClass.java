package io.tokenbroker.adapters.redis;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Redis per test class and fresh adapters per test, closed after it: what every contract test of a Redis
 * adapter needs, registered with {@code @RegisterExtension static final RedisPerClass REDIS = new RedisPerClass();}.
 */
final class RedisPerClass implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

    private EmbeddedRedis redis;
    private final List<RedisFixture> fixtures = new ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) {
        redis = EmbeddedRedis.start();
    }

    /** Adapters over this class's Redis, emptied first; closed after the test. */
    RedisFixture freshFixture() {
        RedisFixture fixture = new RedisFixture(redis);
        fixtures.add(fixture);
        fixture.flushAll();
        return fixture;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (RedisFixture fixture : fixtures) {
            fixture.close();
        }
        fixtures.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        redis.close();
    }
}
