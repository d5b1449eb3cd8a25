package io.tokenbroker.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.tokenbroker.application.port.out.RotationSlots;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.resilience.CircuitBreaker;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vault in front of a PostgreSQL that does not answer (a port nothing listens on): a rotated refresh token is
 * still accepted, held in the durable place when there is one (the fsynced file, readable by a restarted instance)
 * and reported as {@code rotation_at_risk} when there is none; the breaker opens, so later statements fail at once.
 */
class VaultWithoutDatabaseTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");

    @TempDir
    Path directory;
    private ApplicationContext context;
    private final AesGcmSeals cipher = EmbeddedDatabase.cipher(EmbeddedDatabase.randomRing("k1"), "k1");

    @BeforeEach
    void start() throws IOException {
        int closed;
        try (ServerSocket free = new ServerSocket(0)) {
            closed = free.getLocalPort();
        }
        context = ApplicationContext.run(Map.of(
                "datasources.default.url", "jdbc:postgresql://127.0.0.1:" + closed + "/postgres",
                "datasources.default.username", "postgres",
                "datasources.default.password", "postgres",
                "datasources.default.connection-timeout", 250,
                "datasources.default.initialization-fail-timeout", -1,
                "flyway.datasources.default.enabled", false));
    }

    @AfterEach
    void stop() {
        context.close();
    }

    @Test
    void aRotationIsHeldInTheFileAndTheBreakerOpens() {
        DatabaseBreaker breaker = new DatabaseBreaker(Clock.systemUTC(),
                new DatabaseBreaker.Settings(2, Duration.ofHours(1)));
        Path pending = directory.resolve("pending");
        JdbcConnections vault = new JdbcConnections(context.getBean(ConnectionRepository.class), cipher,
                Clock.systemUTC(), breaker, List.of(new FileRotationSlots(pending)), 100);

        assertTrue(vault.saveRotation(KEY, Secret.of("rt-rotated"), Optional.empty(), 5));

        assertEquals(1, vault.pendingRotations());
        assertEquals(0, vault.rotationsAtRisk());
        RotationSlots.Slot held = new FileRotationSlots(pending).find(KEY).orElseThrow();
        assertEquals(5, held.fence());
        assertFalse(new String(held.refreshToken().bytes(), StandardCharsets.ISO_8859_1)
                .contains("rt-rotated"), "sealed, not plaintext");

        assertThrows(StorageUnavailableException.class, () -> vault.list(Optional.empty(), Optional.empty(), 1));
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        long refusedBefore = breaker.refusedCalls();
        assertThrows(StorageUnavailableException.class, () -> vault.find(KEY), "nothing remembered: unavailable");
        assertTrue(breaker.refusedCalls() > refusedBefore, "refused at once, without waiting for the pool");
        assertTrue(breaker.isDown());
        assertEquals(1, breaker.outages());
    }

    @Test
    void withoutADurablePlaceTheRotationIsAtRisk() {
        JdbcConnections vault = new JdbcConnections(context.getBean(ConnectionRepository.class), cipher,
                Clock.systemUTC(), DatabaseBreaker.withDefaults(Clock.systemUTC()), List.of(), 100);

        assertTrue(vault.saveRotation(KEY, Secret.of("rt-rotated"), Optional.empty(), 5),
                "still the connection's refresh token: the access token is served");

        assertEquals(1, vault.pendingRotations());
        assertEquals(1, vault.rotationsAtRisk());
    }
}
