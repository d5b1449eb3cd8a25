package io.tokenbroker.bootstrap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.ApplicationContext;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.bootstrap.AdapterSelection;
import io.tokenbroker.bootstrap.AdapterSelection.Adapter;
import io.tokenbroker.bootstrap.LocalRedis;
import io.tokenbroker.domain.connection.ClientAuthMethod;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.connection.Secret;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two brokers over one Redis and one PostgreSQL, with Redis stopped: a connection with a refresh token (which may
 * rotate) is leased through PostgreSQL, so the two never hold it at once, while one without a refresh token keeps the
 * in-process lease; the fences keep growing from Redis's to PostgreSQL's and back.
 */
class LeasesWhileRedisIsDownTest {

    private static final Duration TTL = Duration.ofSeconds(10);
    private static final ConnectionKey ROTATING = ConnectionKey.of("acme", "rotating");
    private static final ConnectionKey CLIENT_CREDENTIALS = ConnectionKey.of("acme", "machine");

    private LocalRedis redis;
    private final List<ApplicationContext> brokers = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        redis = LocalRedis.start();
        String ring = TestDatabase.randomRing("k1");
        for (int i = 0; i < 2; i++) {
            brokers.add(TestDatabase.broker(TestDatabase.jdbcUrl(TestDatabase.shared()), ring, Map.of(
                    "redis.uri", redis.uri(), "tokenbroker.redis.command-timeout", "500ms")));
        }
        Connections vault = brokers.get(0).getBean(Connections.class);
        vault.save(connection(ROTATING, Optional.of(Secret.of("rt-1"))));
        vault.save(connection(CLIENT_CREDENTIALS, Optional.empty()));
    }

    @AfterEach
    void stop() throws IOException {
        brokers.forEach(ApplicationContext::close);
        redis.stop();
    }

    private LockManager locks(int broker) {
        return brokers.get(broker).getBean(LockManager.class);
    }

    private static Connection connection(ConnectionKey key, Optional<Secret> refreshToken) {
        return new Connection(key, ProviderType.OAUTH2, URI.create("http://127.0.0.1:9/token"), Optional.of("id"),
                Optional.of(Secret.of("secret")), List.of("read"), ClientAuthMethod.CLIENT_SECRET_BASIC, refreshToken,
                Map.of());
    }

    @Test
    void theStartUpTableNamesTheFallback() {
        AdapterSelection selection = brokers.get(0).getBean(AdapterSelection.class);
        assertEquals(Adapter.POSTGRES, selection.leasesWhileRedisIsDown());
        assertTrue(selection.table().get(AdapterSelection.Port.LEASES).because().contains(
                "while Redis is down: postgres for connections with a refresh token"));
    }

    @Test
    void thePoolHoldsTheLeaseConnectionsOnTopOfItsSize() {
        DataSource pool = DelegatingDataSource.unwrapDataSource(brokers.get(0).getBean(DataSource.class));
        // Hikari's default of 10 for statements, and tokenbroker.lease.postgres-connections (4) for leases.
        assertEquals(14, ((HikariDataSource) pool).getMaximumPoolSize());
    }

    @Test
    void aRotatingConnectionIsNeverHeldByTwoBrokersWhileRedisIsDown() throws IOException {
        long onRedis;
        try (Lease lease = locks(0).acquire(ROTATING, TTL, Duration.ZERO).orElseThrow()) {
            onRedis = lease.fence();
        }

        redis.stop();

        Lease held = locks(0).acquire(ROTATING, TTL, Duration.ZERO).orElseThrow();
        assertTrue(held.fence() > onRedis, held.fence() + " after Redis's " + onRedis);
        assertEquals(Optional.empty(), locks(1).acquire(ROTATING, TTL, Duration.ZERO), "both brokers held it");
        assertEquals(Optional.empty(), locks(1).acquire(ROTATING, TTL, Duration.ofMillis(200)));
        held.close();
        long afterTheSwitch;
        try (Lease next = locks(1).acquire(ROTATING, TTL, Duration.ZERO).orElseThrow()) {
            assertTrue(next.fence() > held.fence(), next.fence() + " after " + held.fence());
            afterTheSwitch = next.fence();
        }

        redis.restart();

        // Whether Redis or (not reconnected yet) PostgreSQL grants it, the fence keeps growing.
        try (Lease back = locks(0).acquire(ROTATING, TTL, Duration.ofSeconds(20)).orElseThrow()) {
            assertTrue(back.fence() > afterTheSwitch, back.fence() + " after " + afterTheSwitch);
        }
    }

    @Test
    void aConnectionWithoutARefreshTokenKeepsTheInProcessLease() throws IOException {
        redis.stop();

        try (Lease one = locks(0).acquire(CLIENT_CREDENTIALS, TTL, Duration.ZERO).orElseThrow();
             Lease other = locks(1).acquire(CLIENT_CREDENTIALS, TTL, Duration.ZERO).orElseThrow()) {
            // Each broker refreshes it once for its own callers; no pool connection is held for it.
            assertEquals(CLIENT_CREDENTIALS, one.key());
            assertEquals(CLIENT_CREDENTIALS, other.key());
        }
    }
}
