package io.tokenbroker.adapters.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.port.out.Seals;
import io.tokenbroker.application.testing.TestSeals;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Adapters over one embedded server, closed in the right order: adapters, then clients; the server by its owner. */
final class RedisFixture implements AutoCloseable {

    /**
     * Generous: on a loaded build machine a short timeout would make the adapters fail open (in-process leases),
     * which the contract tests would rightly report as two holders. Fail-open tests choose their own.
     */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

    /** One ring for every instance of a test, as in a deployment. */
    static final TestSeals SEALS = new TestSeals("k1");

    private final EmbeddedRedis redis;
    private final List<AutoCloseable> opened = new ArrayList<>();

    RedisFixture(EmbeddedRedis redis) {
        this.redis = redis;
    }

    RedisAdapters adapters(Clock clock, String instanceId) {
        return adapters(clock, instanceId, Duration.ofSeconds(1));
    }

    RedisAdapters adapters(Clock clock, String instanceId, Duration recheck) {
        return adapters(client(), clock, instanceId, recheck);
    }

    /** A client closed with the fixture. */
    RedisClient client() {
        RedisClient client = redis.client();
        opened.add(client::shutdown);
        return client;
    }

    RedisAdapters adapters(RedisClient client, Clock clock, String instanceId, Duration recheck) {
        return adapters(client, clock, instanceId, new RedisAdapters.Settings("tb", COMMAND_TIMEOUT, 1_000, recheck));
    }

    RedisAdapters adapters(RedisClient client, Clock clock, String instanceId, RedisAdapters.Settings settings) {
        return adapters(client, clock, instanceId, settings, SEALS);
    }

    /** Adapters sealing with their own key ring, as after a rotation. */
    RedisAdapters adapters(Clock clock, String instanceId, Seals seals) {
        return adapters(client(), clock, instanceId,
                new RedisAdapters.Settings("tb", COMMAND_TIMEOUT, 0, Duration.ofSeconds(1)), seals);
    }

    private RedisAdapters adapters(RedisClient client, Clock clock, String instanceId,
                                   RedisAdapters.Settings settings, Seals seals) {
        RedisAdapters adapters = RedisAdapters.connect(client, settings, seals, clock, instanceId,
                new InMemoryLockManager());
        opened.add(adapters);
        return adapters;
    }

    /** A plain connection for looking at what Redis holds and for FLUSHALL. */
    StatefulRedisConnection<String, String> raw() {
        RedisClient client = client();
        StatefulRedisConnection<String, String> connection = client.connect();
        opened.add(connection);
        return connection;
    }

    void flushAll() {
        raw().sync().flushall();
    }

    @Override
    public void close() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }
}
