package io.tokenbroker.bootstrap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.adapters.postgres.JdbcConnections;
import io.tokenbroker.adapters.postgres.StorageUnavailableException;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.service.GetAccessTokenService;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.TokenGrant;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database stops between the upstream's answer (which used up the old refresh token) and the save of the
 * rotated one. The rotated token must survive in the pending slot, reach the database once it is back, and carry
 * the next refresh.
 */
class DatabaseOutageTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "quickbooks");

    @TempDir
    Path dataDirectory;
    private SandboxUpstream upstream;
    private EmbeddedPostgres server;
    private int port;

    @BeforeEach
    void start() throws IOException {
        upstream = SandboxUpstream.start(0, "outage-client", "outage-secret", Duration.ofHours(1));
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        server = TestDatabase.startAt(dataDirectory.resolve("pg"), port);
    }

    @AfterEach
    void stop() throws IOException {
        upstream.close();
        server.close();
    }

    @Test
    void theRotatedTokenIsKeptWhileTheDatabaseIsDownAndSavedWhenItReturns() throws IOException {
        String ring = TestDatabase.randomRing("k1");
        // A stopped database must fail a statement quickly, not after Hikari's 30 s default.
        Map<String, Object> quickFailure = Map.of("datasources.default.connection-timeout", 1000,
                OutageClock.PROPERTY, true);
        try (ApplicationContext broker = TestDatabase.broker(TestDatabase.jdbcUrl(server), ring, quickFailure)) {
            outageAndReturn(broker, ring, quickFailure);
        }
    }

    private void outageAndReturn(ApplicationContext broker, String ring, Map<String, Object> quickFailure) {
        JdbcConnections vault = broker.getBean(JdbcConnections.class);
        String initial = upstream.issueRefreshToken();
        vault.save(Brokers.connection(KEY, upstream, "outage-client", "outage-secret", initial));
        AtomicBoolean stopDatabaseAfterNextAnswer = new AtomicBoolean(true);
        TokenIssuer real = Brokers.issuer();
        TokenIssuer stoppingTheDatabase = connection -> {
            TokenGrant grant = real.issue(connection);
            if (stopDatabaseAfterNextAnswer.getAndSet(false)) {
                closeQuietly(server);
            }
            return grant;
        };
        InMemoryTokenStore cache = new InMemoryTokenStore(Brokers.CLOCK);
        GetAccessTokenService tokens = Brokers.broker(cache, vault, stoppingTheDatabase,
                new InMemoryLockManager(vault::highestFence));

        AccessToken servedDuringOutage = tokens.get(new GetAccessToken.Query(KEY));

        assertEquals(1, vault.pendingRotations(), "the rotated token waits in the pending slot");
        assertThrows(StorageUnavailableException.class, () -> vault.list(Optional.empty(), Optional.empty(), 10),
                "the database is really down");
        assertNotEquals(Secret.of(initial), vault.find(KEY).orElseThrow().refreshToken().orElseThrow(),
                "served from memory meanwhile, with the rotated refresh token");

        server = TestDatabase.startAt(dataDirectory.resolve("pg"), port);
        try (ApplicationContext another = TestDatabase.broker(TestDatabase.jdbcUrl(server), ring, quickFailure)) {
            JdbcConnections back = another.getBean(JdbcConnections.class);
            assertTrue(OutageClock.awaitDatabase(broker), "the first broker's breaker closes once it is back");
            Secret storedBeforeFlush = back.find(KEY).orElseThrow().refreshToken().orElseThrow();
            assertEquals(Secret.of(initial), storedBeforeFlush, "nothing was written during the outage");
            refreshAfterReturn(tokens, cache, vault, back, initial, servedDuringOutage);
        }
    }

    private void refreshAfterReturn(GetAccessTokenService broker, InMemoryTokenStore cache, JdbcConnections vault,
                                    JdbcConnections back, String initial, AccessToken servedDuringOutage) {

        cache.delete(KEY);
        AccessToken afterOutage = broker.get(new GetAccessToken.Query(KEY));

        assertNotEquals(servedDuringOutage.value(), afterOutage.value());
        assertEquals(2, upstream.tokenRequests(), "both refreshes were accepted: no invalid_grant");
        assertEquals(0, vault.pendingRotations());
        Secret stored = back.find(KEY).orElseThrow().refreshToken().orElseThrow();
        assertNotEquals(Secret.of(initial), stored, "the rotations reached the database");
        // The stored token is the live one: one more refresh with it succeeds.
        cache.delete(KEY);
        broker.get(new GetAccessToken.Query(KEY));
        assertEquals(3, upstream.tokenRequests());
    }

    private static void closeQuietly(EmbeddedPostgres server) {
        try {
            server.close();
        } catch (IOException failed) {
            throw new IllegalStateException("could not stop PostgreSQL", failed);
        }
    }
}
