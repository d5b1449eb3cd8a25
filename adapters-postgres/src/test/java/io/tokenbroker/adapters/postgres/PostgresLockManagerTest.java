package io.tokenbroker.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.tokenbroker.application.contract.LockManagerContract;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.LockManager.Lease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL lease keeps the {@link LockManager} contract on a real server, and what only a lease shared through
 * the database has to get right: two instances (two managers over one database), a holder killed or hung, fences
 * above what was stored and above the clock.
 */
class PostgresLockManagerTest extends LockManagerContract {

    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration GUARD = Duration.ofSeconds(20);

    private final List<PostgresLockManager> managers = new ArrayList<>();

    private static DataSource pool() {
        return DelegatingDataSource.unwrapDataSource(EmbeddedDatabase.bean(DataSource.class));
    }

    private PostgresLockManager instance(Clock clock, long highestStored) {
        PostgresLockManager locks = new PostgresLockManager(pool(), key -> highestStored, clock, 2);
        managers.add(locks);
        return locks;
    }

    @Override
    protected LockManager newLockManager() {
        return instance(Clock.systemUTC(), 0);
    }

    @Override
    protected int contendingThreads() {
        return 4;
    }

    @Override
    protected int roundsPerThread() {
        return 25;
    }

    @AfterEach
    void stopWatchdogs() {
        managers.forEach(PostgresLockManager::close);
    }

    @Test
    void twoInstancesNeverHoldOneConnectionsLeaseAtOnce() {
        LockManager one = instance(Clock.systemUTC(), 0);
        LockManager two = instance(Clock.systemUTC(), 0);
        Lease held = one.acquire(KEY, TTL, Duration.ZERO).orElseThrow();

        assertEquals(Optional.empty(), two.acquire(KEY, TTL, Duration.ZERO));
        assertEquals(Optional.empty(), two.acquire(KEY, TTL, Duration.ofMillis(50)), "waited out its max wait");

        held.close();
        try (Lease next = two.acquire(KEY, TTL, Duration.ZERO).orElseThrow()) {
            assertTrue(next.fence() > held.fence());
        }
    }

    @Test
    void theFenceIsAboveTheHighestStoredAndAboveTheClock() {
        Instant now = Instant.parse("2026-12-03T12:00:00Z");
        long micros = now.getEpochSecond() * 1_000_000L;
        try (Lease lease = instance(Clock.fixed(now, ZoneOffset.UTC), 0).acquire(KEY, TTL, Duration.ZERO)
                .orElseThrow()) {
            assertEquals(micros, lease.fence(), "the clock's microseconds");
        }
        long aheadOfTheClock = micros + 5_000_000;
        try (Lease lease = instance(Clock.fixed(now, ZoneOffset.UTC), aheadOfTheClock).acquire(KEY, TTL,
                Duration.ZERO).orElseThrow()) {
            assertEquals(aheadOfTheClock + 1, lease.fence(), "one above what a holder stored");
        }
    }

    @Test
    void aKilledHoldersLockIsFreeAtOnce() {
        Lease orphaned = instance(Clock.systemUTC(), 0).acquire(KEY, TTL, Duration.ZERO).orElseThrow();

        // The holder's process dies: the server ends its session, and the lock goes with it.
        EmbeddedDatabase.execute(EmbeddedDatabase.shared(), "SELECT pg_terminate_backend(pid) FROM pg_locks "
                + "WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()");

        try (Lease taken = instance(Clock.systemUTC(), 0).acquire(KEY, TTL, GUARD).orElseThrow()) {
            assertTrue(taken.fence() > orphaned.fence());
        }
        orphaned.close();
    }

    @Test
    void aHolderThatStopsRenewingLosesTheLockAfterOneTtl() throws Exception {
        PostgresLockManager hung = instance(Clock.systemUTC(), 0);
        Duration shortTtl = Duration.ofMillis(500);
        Lease stale = hung.acquire(KEY, shortTtl, Duration.ZERO).orElseThrow();
        LockManager other = instance(Clock.systemUTC(), 0);
        CompletableFuture<Optional<Lease>> waiter = CompletableFuture.supplyAsync(
                () -> other.acquire(KEY, TTL, GUARD));

        hung.close();

        Optional<Lease> taken = waiter.get(GUARD.toSeconds() + 5, TimeUnit.SECONDS);
        assertTrue(taken.isPresent(), "the hung holder's lock was never given up");
        try (Lease lease = taken.get()) {
            assertTrue(lease.fence() > stale.fence());
        }
        stale.close();
    }

    @Test
    void theWatchdogKeepsARenewedLeasePastItsTtl() {
        LockManager holder = instance(Clock.systemUTC(), 0);
        Duration renewedTtl = Duration.ofSeconds(1);
        try (Lease held = holder.acquire(KEY, renewedTtl, Duration.ZERO).orElseThrow()) {
            // Waits two ttls; without renewals the server would have ended the holder's session meanwhile.
            assertEquals(Optional.empty(), instance(Clock.systemUTC(), 0).acquire(KEY, TTL,
                    renewedTtl.multipliedBy(2)));
            assertEquals(KEY, held.key());
        }
    }
}
