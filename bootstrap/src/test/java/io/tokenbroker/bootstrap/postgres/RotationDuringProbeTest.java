package io.tokenbroker.bootstrap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import io.tokenbroker.adapters.postgres.DatabaseBreaker;
import io.tokenbroker.adapters.postgres.DatabaseProbe;
import io.tokenbroker.adapters.postgres.JdbcConnections;
import io.tokenbroker.adapters.postgres.StorageUnavailableException;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.service.GetAccessTokenService;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.CircuitBreaker;
import io.tokenbroker.domain.token.TokenGrant;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisServer;

/**
 * Issue 18's kill -9 drill lost a rotated refresh token: during a database outage the vault wrote the rotation to
 * PostgreSQL first and held it in Redis only once that failed. When the write is the breaker's probe it waits up to the
 * pool's connection timeout, and an instance killed during that wait took the only copy of the token the upstream had
 * just rotated. Here the stopped database's port answers connection attempts with a listener that looks into Redis
 * each time the vault knocks: once the upstream has rotated, the new token must already be held there.
 */
class RotationDuringProbeTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final String SLOT = "tb:{acme:crm}:pending";
    private static final String ID = "probe-client";
    private static final String SECRET = "probe-secret";

    /** One knock of the vault at the database's door: whether the upstream had rotated, whether Redis held it. */
    private record Knock(boolean afterRotation, boolean heldInRedis) {
    }

    @TempDir
    Path dataDirectory;
    private EmbeddedPostgres database;
    private int databasePort;
    private RedisServer redis;
    private RedisClient redisClient;
    private SandboxUpstream upstream;
    private ApplicationContext broker;
    private ServerSocket door;

    @BeforeEach
    void start() throws IOException {
        databasePort = freePort();
        database = TestDatabase.startAt(dataDirectory.resolve("pg"), databasePort);
        int redisPort = freePort();
        redis = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build();
        redis.start();
        redisClient = RedisClient.create("redis://127.0.0.1:" + redisPort);
        upstream = SandboxUpstream.start(0, ID, SECRET, Duration.ofHours(1));
        broker = TestDatabase.broker(TestDatabase.jdbcUrl(database), TestDatabase.randomRing("k1"),
                Map.of("redis.uri", "redis://127.0.0.1:" + redisPort, OutageClock.PROPERTY, true,
                        "datasources.default.connection-timeout", 1000,
                        // Connections only for a waiting statement: every knock at the door is one of the vault's.
                        "datasources.default.minimum-idle", 0));
    }

    @AfterEach
    void stop() throws IOException {
        broker.close();
        if (door != null) {
            door.close();
        }
        redisClient.shutdown();
        upstream.close();
        redis.stop();
        database.close();
    }

    @Test
    void aRotationIsHeldInRedisBeforeTheDatabaseIsProbed() throws Exception {
        JdbcConnections vault = broker.getBean(JdbcConnections.class);
        vault.save(Brokers.connection(KEY, upstream, ID, SECRET, upstream.issueRefreshToken()));
        InMemoryTokenStore cache = new InMemoryTokenStore(Brokers.CLOCK);
        TokenIssuer real = Brokers.issuer();
        // After the upstream's answer the breaker's open period passes: the vault's next statement is the probe.
        TokenIssuer probeNext = connection -> {
            TokenGrant grant = real.issue(connection);
            OutageClock.CLOCK.advance(Duration.ofSeconds(3));
            return grant;
        };
        GetAccessTokenService tokens = Brokers.broker(cache, vault, probeNext,
                new InMemoryLockManager(vault::highestFence));
        tokens.get(new GetAccessToken.Query(KEY));
        assertEquals(1, upstream.tokenRequests());

        database.close();
        List<Knock> knocks = answerAtTheDatabasePort();
        openTheBreaker();
        cache.delete(KEY);
        tokens.get(new GetAccessToken.Query(KEY));

        assertEquals(2, upstream.tokenRequests(), "refreshed during the outage");
        List<Knock> afterRotation = knocks.stream().filter(Knock::afterRotation).toList();
        assertFalse(afterRotation.isEmpty(), "the rotation's write probed the database: " + knocks);
        assertTrue(afterRotation.stream().allMatch(Knock::heldInRedis),
                "the rotated token was durable before the probe: " + knocks);
        assertEquals(1, vault.pendingRotations());
        assertTrue(heldInRedis(), "still held once the probe failed");
    }

    private void openTheBreaker() {
        DatabaseProbe probe = broker.getBean(DatabaseProbe.class);
        DatabaseBreaker breaker = broker.getBean(DatabaseBreaker.class);
        for (int failure = 0; failure < 2; failure++) {
            assertFalse(probe.reachable());
        }
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertThrows(StorageUnavailableException.class, () -> broker.getBean(JdbcConnections.class)
                .list(Optional.empty(), Optional.empty(), 1), "refused at once while open");
    }

    /** A listener on the stopped database's port: notes each knock, then hangs up (the attempt fails). */
    private List<Knock> answerAtTheDatabasePort() throws IOException {
        List<Knock> knocks = new CopyOnWriteArrayList<>();
        door = new ServerSocket(databasePort, 50, InetAddress.getByName("localhost"));
        Thread listener = new Thread(() -> {
            while (!door.isClosed()) {
                try (Socket knock = door.accept()) {
                    knocks.add(new Knock(upstream.tokenRequests() >= 2, heldInRedis()));
                } catch (IOException closed) {
                    return;
                }
            }
        }, "database-door");
        listener.setDaemon(true);
        listener.start();
        return knocks;
    }

    private boolean heldInRedis() {
        try (StatefulRedisConnection<String, String> connection = redisClient.connect()) {
            return connection.sync().get(SLOT) != null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }
}
