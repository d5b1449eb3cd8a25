package io.tokenbroker.adapters.redis;

import io.tokenbroker.application.contract.RateLimitsContract;
import io.tokenbroker.application.port.out.RateLimits;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** Shared rate-limit counters against a real Redis. */
class RedisRateLimitsTest extends RateLimitsContract {

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
    protected RateLimits newRateLimits() {
        fixture = new RedisFixture(redis);
        return fixture.adapters(Clock.systemUTC(), "test").rateLimits();
    }

    /** Redis keeps its own time: ending a window means dropping the counters it holds. */
    @Override
    protected void endCurrentWindows(Duration window) {
        fixture.flushAll();
    }
}
