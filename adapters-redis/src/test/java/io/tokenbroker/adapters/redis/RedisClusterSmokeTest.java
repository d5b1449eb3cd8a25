package io.tokenbroker.adapters.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.tokenbroker.adapters.redis.RedisEvents.Type;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.TestSeals;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisShardedCluster;
import static io.tokenbroker.application.testing.TokenTestData.aToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same adapters on a real three-master Redis Cluster: every script touches one slot (the hash tag), and a
 * message published on one node reaches a subscriber connected to another.
 */
class RedisClusterSmokeTest {

    private static RedisShardedCluster cluster;
    private static final List<RedisClusterClient> clients = new ArrayList<>();
    private static final List<RedisAdapters> instances = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws IOException {
        cluster = RedisShardedCluster.newRedisCluster()
                .shard("a", 0).shard("b", 0).shard("c", 0)
                .ephemeral()
                .initializationTimeout(Duration.ofSeconds(30))
                .build();
        cluster.start();
        awaitClusterOk(cluster.serverPorts());
    }

    /**
     * A started cluster still agrees on its slots for a moment ({@code CLUSTERDOWN}); there is no event to wait
     * for, so this fixture readiness check asks each node until all report {@code cluster_state:ok}.
     */
    static void awaitClusterOk(List<Integer> ports) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int port : ports) {
            RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                while (!connection.sync().clusterInfo().contains("cluster_state:ok")) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the cluster never became ready");
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            } finally {
                client.shutdown();
            }
        }
    }

    @AfterAll
    static void stopCluster() throws IOException {
        instances.forEach(RedisAdapters::close);
        clients.forEach(RedisClusterClient::shutdown);
        cluster.stop();
    }

    private static RedisAdapters instance(String name, TestClock clock) {
        List<RedisURI> seeds = cluster.serverPorts().stream()
                .map(port -> RedisURI.create("127.0.0.1", port)).toList();
        RedisClusterClient client = RedisClusterClient.create(seeds);
        clients.add(client);
        RedisAdapters adapters = RedisAdapters.connect(client,
                new RedisAdapters.Settings("tb", Duration.ofSeconds(5), 100, Duration.ofSeconds(1)),
                new TestSeals("k1"), clock, name, new InMemoryLockManager());
        instances.add(adapters);
        return adapters;
    }

    @Test
    void tokensLeasesAndEventsWorkAcrossTheCluster() throws Exception {
        TestClock clock = TestClock.at(Instant.now());
        RedisAdapters a = instance("a", clock);
        RedisAdapters b = instance("b", clock);
        List<ConnectionKey> keys = List.of(ConnectionKey.of("acme", "crm"), ConnectionKey.of("globex", "erp"),
                ConnectionKey.of("initech", "tps"), ConnectionKey.of("umbrella", "lab"));

        for (ConnectionKey key : keys) {
            long fence;
            try (Lease lease = a.lockManager().acquire(key, Duration.ofSeconds(30), Duration.ZERO).orElseThrow()) {
                assertEquals(Optional.empty(), b.lockManager().acquire(key, Duration.ofSeconds(30), Duration.ZERO));
                fence = lease.fence();
                AccessToken token = aToken("tok-" + key.tenant().value(), clock, Duration.ofHours(1));
                assertTrue(a.tokenStore().put(key, token, Duration.ofMinutes(5), fence));
                assertEquals(Optional.of(token), b.tokenStore().find(key));

                CountDownLatch heardOnB = new CountDownLatch(1);
                b.events().addListener(event -> {
                    if (event.key().equals(key) && event.type() == Type.INVALIDATED) {
                        heardOnB.countDown();
                    }
                });
                assertTrue(a.tokenStore().deleteIf(key, token.fingerprint()));
                assertTrue(heardOnB.await(20, TimeUnit.SECONDS), "b missed the invalidation of " + key);
                assertEquals(Optional.empty(), b.tokenStore().find(key));
            }
            try (Lease next = b.lockManager().acquire(key, Duration.ofSeconds(30), Duration.ZERO).orElseThrow()) {
                assertTrue(next.fence() > fence);
            }
        }
    }

    @Test
    void theScheduleScriptsRunOnTheirOneSlot() {
        TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
        RedisAdapters a = instance("schedule-a", clock);
        RedisAdapters b = instance("schedule-b", clock);
        Instant now = clock.instant();
        ConnectionKey key = ConnectionKey.of("acme", "scheduled");
        RefreshSchedule.Entry entry = new RefreshSchedule.Entry(key, now, 0, now.minusSeconds(60),
                now.plusSeconds(60), RefreshSchedule.Warned.NOTHING);

        assertTrue(a.refreshSchedule().offer(entry));
        a.refreshSchedule().recordDemand(key, now);

        assertEquals(List.of(new RefreshSchedule.Claim(entry, Optional.of(now))),
                b.refreshSchedule().claimDue(now, 10, now.plusSeconds(30)));
        assertEquals(1, a.refreshSchedule().size());
        a.refreshSchedule().remove(key);
        assertEquals(0, b.refreshSchedule().size());
    }
}
