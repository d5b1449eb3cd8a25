package io.tokenbroker.bootstrap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.micronaut.context.ApplicationContext;
import io.tokenbroker.bootstrap.LocalRedis;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.adapters.postgres.JdbcConnections;
import io.tokenbroker.adapters.redis.RedisAdapters;
import io.tokenbroker.application.port.in.AuthenticateCaller;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.ManageApiKeys;
import io.tokenbroker.application.port.in.InvalidateToken;
import io.tokenbroker.application.port.in.SaveConnection;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.service.ApiKeyService;
import io.tokenbroker.domain.apikey.Scope;
import io.tokenbroker.domain.apikey.TenantScope;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The production shape: brokers sharing Redis (lease, cache, announcements) and PostgreSQL (vault, API keys), against
 * an upstream whose refresh tokens work once. A lost rotation shows up as an {@code invalid_grant} on the next
 * refresh.
 */
class RedisAndPostgresRotationTest {

    private static final String ID = "shared-client";
    private static final String SECRET = "shared-secret";

    private LocalRedis redis;
    private SandboxUpstream upstream;
    private final List<ApplicationContext> brokers = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        redis = LocalRedis.start();
        upstream = SandboxUpstream.start(0, ID, SECRET, Duration.ofHours(1));
        String ring = TestDatabase.randomRing("k1");
        for (int i = 0; i < 2; i++) {
            Map<String, Object> properties = new HashMap<>();
            properties.put("datasources.default.url", TestDatabase.jdbcUrl(TestDatabase.shared()));
            properties.put("datasources.default.username", "postgres");
            properties.put("datasources.default.password", "postgres");
            properties.put("tokenbroker.encryption.keys", ring);
            properties.put("redis.uri", redis.uri());
            properties.put("tokenbroker.redis.command-timeout", "5s");
            properties.put("tokenbroker.upstream.resilience.min-interval", "0s");
            brokers.add(ApplicationContext.run(properties));
        }
        // Emptied once the brokers' start migrated the schema.
        TestDatabase.execute(TestDatabase.shared().getPostgresDatabase(), "DELETE FROM connections");
    }

    @AfterEach
    void stop() throws IOException {
        brokers.forEach(ApplicationContext::close);
        upstream.close();
        redis.stop();
    }

    private ConnectionKey register(String name) {
        ConnectionKey key = ConnectionKey.of("acme", name);
        brokers.get(0).getBean(SaveConnection.class).save(new SaveConnection.Command(
                Brokers.connection(key, upstream, ID, SECRET, upstream.issueRefreshToken())));
        return key;
    }

    private String get(int broker, ConnectionKey key) {
        return brokers.get(broker).getBean(GetAccessToken.class).get(new GetAccessToken.Query(key)).value();
    }

    private void invalidate(int broker, ConnectionKey key) {
        brokers.get(broker).getBean(InvalidateToken.class).invalidate(new InvalidateToken.Command(key, Optional.empty()));
    }

    @Test
    void anEmptiedRedisDoesNotMakeTheNextRotationLookStale() {
        ConnectionKey key = register("flushed");
        JdbcConnections vault = (JdbcConnections) brokers.get(0).getBean(Connections.class);
        get(0, key);
        long before = vault.highestFence(key);

        RedisClient client = brokers.get(0).getBean(RedisClient.class);
        try (var connection = client.connect()) {
            connection.sync().flushall();
        }
        invalidate(0, key);
        get(0, key);
        invalidate(1, key);
        get(1, key);

        assertTrue(vault.highestFence(key) > before, "the rotation after the flush was written");
        assertEquals(3, upstream.tokenRequests(), "every refresh used the newest refresh token");
    }

    @Test
    void concurrentCallersOnTwoBrokersNeverLoseARotation() throws Exception {
        ConnectionKey key = register("busy");
        ExecutorService callers = Executors.newFixedThreadPool(4);
        // The issue's soak: 1,000 refreshes, concurrent callers on two brokers sharing the Redis lease.
        int rounds = 1_000;
        try {
            for (int round = 0; round < rounds; round++) {
                invalidate(round % 2, key);
                List<Future<String>> calls = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    int broker = i % 2;
                    calls.add(callers.submit(() -> get(broker, key)));
                }
                for (Future<String> call : calls) {
                    call.get(30, TimeUnit.SECONDS); // an invalid_grant would surface here as a failure
                }
            }
        } finally {
            callers.shutdownNow();
        }
        long requests = upstream.tokenRequests();
        assertTrue(requests >= 2 && requests <= rounds + 1, "at most one refresh per round: " + requests);
        invalidate(0, key);
        get(0, key);
        assertEquals(requests + 1, upstream.tokenRequests(), "the stored refresh token is the newest");
    }

    @Test
    void aKeyRevokedOnOneBrokerIsRefusedByTheOtherAtOnce() throws Exception {
        ApiKeyService revoking = brokers.get(0).getBean(ApiKeyService.class);
        ApiKeyService other = brokers.get(1).getBean(ApiKeyService.class);
        ManageApiKeys.Issued issued = revoking.issue(new ManageApiKeys.Issue("shared", Set.of(Scope.TOKEN_READ),
                TenantScope.allTenants(), Optional.empty()));
        AuthenticateCaller.Command presented = new AuthenticateCaller.Command(issued.plaintext(), "10.9.8.7");
        assertTrue(other.authenticate(presented).isPresent(), "verified and cached on the other broker");
        CountDownLatch heard = new CountDownLatch(1);
        brokers.get(1).getBean(RedisAdapters.class).events().addKeyRevocationListener(id -> heard.countDown());

        revoking.revoke(issued.key().id());

        assertTrue(heard.await(30, TimeUnit.SECONDS), "the revocation reached the other broker");
        assertTrue(other.alreadyVerified(presented).isEmpty(), "its cache no longer trusts the key");
        assertTrue(other.authenticate(presented).isEmpty());
    }
}
