package io.tokenbroker.adapters.postgres;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two holders of successive leases save their rotated refresh tokens at the same moment. */
class RotationRaceTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final String RING = EmbeddedDatabase.randomRing("k1");

    private DataSource dataSource;
    private ExecutorService threads;

    @BeforeEach
    void start() {
        dataSource = EmbeddedDatabase.shared();
        EmbeddedDatabase.truncate(dataSource);
        threads = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private JdbcConnections instance() {
        return EmbeddedDatabase.vault(RING, "k1");
    }

    @Test
    void theHigherFenceWinsEveryRaceAndTheLowerNeverOverwritesIt() throws Exception {
        // Two adapter instances, as two broker processes would have, over one database.
        JdbcConnections first = instance();
        JdbcConnections second = instance();
        first.save(aConnection().withKey(KEY).withRefreshToken("rt-0").build());

        for (int round = 1; round <= 50; round++) {
            long lower = 2L * round;
            long higher = lower + 1;
            // Alternate who holds the newer lease, so neither instance's position decides the outcome.
            JdbcConnections older = round % 2 == 0 ? first : second;
            JdbcConnections newer = round % 2 == 0 ? second : first;
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Boolean> stale = CompletableFuture.supplyAsync(
                    () -> await(go) && older.saveRotation(KEY, Secret.of("rt-" + lower), Optional.empty(), lower),
                    threads);
            CompletableFuture<Boolean> fresh = CompletableFuture.supplyAsync(
                    () -> await(go) && newer.saveRotation(KEY, Secret.of("rt-" + higher), Optional.empty(), higher),
                    threads);

            go.countDown();

            assertTrue(fresh.get(30, TimeUnit.SECONDS), "round " + round + ": the higher fence was refused");
            stale.get(30, TimeUnit.SECONDS);
            assertEquals(Secret.of("rt-" + higher), first.find(KEY).orElseThrow().refreshToken().orElseThrow(),
                    "round " + round + ": the stored token is not the newest");
            assertEquals(higher, first.highestFence(KEY));
        }
    }

    @Test
    void aWriterWhoseLeaseWasSupersededIsRefused() {
        JdbcConnections newer = instance();
        JdbcConnections older = instance();
        newer.save(aConnection().withKey(KEY).withRefreshToken("rt-0").build());

        assertTrue(newer.saveRotation(KEY, Secret.of("rt-from-lease-8"), Optional.empty(), 8));
        assertFalse(older.saveRotation(KEY, Secret.of("rt-from-lease-7"), Optional.empty(), 7));

        assertEquals(Secret.of("rt-from-lease-8"), older.find(KEY).orElseThrow().refreshToken().orElseThrow());
        assertEquals(0, older.pendingRotations(), "a refusal is not kept for later");
    }

    private static boolean await(CountDownLatch go) {
        try {
            return go.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
