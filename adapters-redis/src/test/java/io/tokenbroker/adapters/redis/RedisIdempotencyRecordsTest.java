package io.tokenbroker.adapters.redis;

import io.tokenbroker.application.contract.IdempotencyRecordsContract;
import io.tokenbroker.application.port.out.IdempotencyRecords;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** Shared idempotency records against a real Redis. */
class RedisIdempotencyRecordsTest extends IdempotencyRecordsContract {

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
    protected IdempotencyRecords newRecords() {
        fixture = new RedisFixture(redis);
        return fixture.adapters(Clock.systemUTC(), "test").idempotencyRecords();
    }
}
