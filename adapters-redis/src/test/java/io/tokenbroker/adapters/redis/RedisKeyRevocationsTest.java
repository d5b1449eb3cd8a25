package io.tokenbroker.adapters.redis;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.tokenbroker.application.contract.KeyRevocationsContract;
import io.tokenbroker.application.port.out.KeyRevocations;
import io.tokenbroker.domain.apikey.ApiKeyId;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Revocations announced by one instance, heard by a second one subscribed to the same real Redis. */
class RedisKeyRevocationsTest extends KeyRevocationsContract {

    @RegisterExtension
    static final RedisPerClass REDIS = new RedisPerClass();
    private final BlockingQueue<String> heard = new LinkedBlockingQueue<>();

    @Override
    protected KeyRevocations revocations() {
        RedisFixture fixture = REDIS.freshFixture();
        fixture.adapters(Clock.systemUTC(), "listener").events().addKeyRevocationListener(heard::add);
        return fixture.adapters(Clock.systemUTC(), "announcer").keyRevocations();
    }

    @Override
    protected boolean tellsOtherInstances() {
        return true;
    }

    @Override
    protected List<ApiKeyId> heardElsewhere(int count) throws InterruptedException {
        List<ApiKeyId> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = heard.poll(10, TimeUnit.SECONDS);
            assertNotNull(id, "announcement " + (i + 1) + " of " + count + " was not heard");
            ids.add(new ApiKeyId(id));
        }
        return ids;
    }
}
