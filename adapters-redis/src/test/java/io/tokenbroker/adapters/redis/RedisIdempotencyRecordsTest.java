package io.tokenbroker.adapters.redis;

import io.tokenbroker.application.contract.IdempotencyRecordsContract;
import io.tokenbroker.application.port.out.IdempotencyRecords;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Shared idempotency records against a real Redis. */
class RedisIdempotencyRecordsTest extends IdempotencyRecordsContract {

    @RegisterExtension
    static final RedisPerClass REDIS = new RedisPerClass();
    private RedisFixture fixture;

    @Override
    protected IdempotencyRecords newRecords() {
        fixture = REDIS.freshFixture();
        return fixture.adapters(Clock.systemUTC(), "test").idempotencyRecords();
    }
}
