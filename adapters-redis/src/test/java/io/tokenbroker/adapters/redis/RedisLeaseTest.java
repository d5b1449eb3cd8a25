package io.tokenbroker.adapters.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.application.service.LeaseSettings;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only a shared lease has to get right: fences across an emptied or restarted Redis, a holder that dies,
 * a holder whose lease expired releasing its successor's, waiters on other instances. Each "instance" is its own
 * client and adapters over one server. Short ttls make a dead holder's lease expire quickly; no test measures time.
 */
class RedisLeaseTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final Duration SHORT_TTL = Duration.ofMillis(300);
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration GUARD = Duration.ofSeconds(20);
    private static final String LEASE_KEY = "tb:{acme:crm}:lease";

    private static EmbeddedRedis redis;
    private RedisFixture fixture;

    @BeforeAll
    static void startRedis() {
        redis = EmbeddedRedis.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void emptyRedis() {
        fixture = new RedisFixture(redis);
        fixture.flushAll();
    }

    @AfterEach
    void closeAdapters() throws Exception {
        fixture.close();
    }

    private LockManager instance(String name) {
        return fixture.adapters(Clock.systemUTC(), name).lockManager();
    }

    private static Lease acquired(LockManager locks, Duration ttl, Duration maxWait) {
        return locks.acquire(KEY, ttl, maxWait).orElseThrow(() -> new AssertionError("no lease granted"));
    }

    @Test
    void theFenceKeepsGrowingAfterRedisLosesEverything() {
        LockManager locks = instance("a");
        long beforeFlush;
        try (Lease lease = acquired(locks, TTL, Duration.ZERO)) {
            beforeFlush = lease.fence();
        }

        fixture.flushAll();

        long afterFlush;
        try (Lease lease = acquired(locks, TTL, Duration.ZERO)) {
            afterFlush = lease.fence();
        }
        assertTrue(afterFlush > beforeFlush, afterFlush + " after " + beforeFlush);

        redis.stopServer();
        redis.startServer();

        // A fresh instance: the old connections are still reconnecting, and we want Redis's fence, not a fallback.
        try (Lease lease = acquired(instance("after-restart"), TTL, Duration.ZERO)) {
            assertTrue(lease.fence() > afterFlush, lease.fence() + " after the restart, " + afterFlush + " before");
        }
    }

    @Test
    void aStoredFenceAheadOfTheClockStillGrowsByOne() {
        long farAhead = 9_000_000_000_000_000L;
        fixture.raw().sync().set("tb:{acme:crm}:fence", Long.toString(farAhead));

        try (Lease lease = acquired(instance("a"), TTL, Duration.ZERO)) {
            assertEquals(farAhead + 1, lease.fence());
        }
    }

    @Test
    void aDeadHoldersLeaseExpiresAndAnotherInstanceTakesOver() {
        LockManager dying = instance("dying");
        Lease orphaned = acquired(dying, SHORT_TTL, Duration.ZERO);
        ((RedisLockManager) dying).close();

        try (Lease taken = acquired(instance("survivor"), TTL, GUARD)) {
            assertTrue(taken.fence() > orphaned.fence());
        }
    }

    @Test
    void aKilledHoldersLeaseIsFreeWithinOneDefaultTtl() {
        Duration ttl = LeaseSettings.defaults().ttl();
        LockManager dying = instance("dying");
        Lease orphaned = acquired(dying, ttl, Duration.ZERO);
        // Killed mid-refresh: neither released nor renewed any more.
        ((RedisLockManager) dying).close();

        long left = fixture.raw().sync().pttl(LEASE_KEY);
        assertTrue(left > 0 && left <= ttl.toMillis(), "the orphaned lease lives " + left + " ms more");
        // Redis's clock moves on past that rest: the key expires as it would have after it.
        fixture.raw().sync().pexpire(LEASE_KEY, 1);

        try (Lease taken = acquired(instance("survivor"), ttl, GUARD)) {
            assertTrue(taken.fence() > orphaned.fence());
        }
    }

    @Test
    void aHolderWhoseLeaseExpiredCannotReleaseItsSuccessors() {
        LockManager slow = instance("slow");
        Lease expired = acquired(slow, SHORT_TTL, Duration.ZERO);
        ((RedisLockManager) slow).close();
        LockManager other = instance("other");
        try (Lease successor = acquired(other, TTL, GUARD)) {

            expired.close();

            assertEquals(Optional.empty(), instance("third").acquire(KEY, TTL, Duration.ZERO),
                    "the late release freed the successor's lease");
            assertTrue(successor.fence() > expired.fence());
        }
    }

    @Test
    void aLateWriteFromAHolderWhoseLeaseWasGrantedAgainIsRefused() {
        RedisAdapters dying = fixture.adapters(Clock.systemUTC(), "dying");
        RedisAdapters successor = fixture.adapters(Clock.systemUTC(), "successor");
        Lease stale = acquired(dying.lockManager(), SHORT_TTL, Duration.ZERO);
        ((RedisLockManager) dying.lockManager()).close();
        AccessToken late = new AccessToken("tok-late", "Bearer", Instant.now(), Instant.now().plusSeconds(3600));

        try (Lease current = acquired(successor.lockManager(), TTL, GUARD)) {
            // The successor has not written yet: the granted lease alone makes the old holder stale.
            assertFalse(dying.tokenStore().put(KEY, late, Duration.ofMinutes(5), stale.fence()));
            assertEquals(Optional.empty(), successor.tokenStore().find(KEY));
            assertEquals(Optional.empty(), dying.tokenStore().find(KEY), "not even kept in its near cache");

            AccessToken fresh = new AccessToken("tok-fresh", "Bearer", Instant.now(), Instant.now().plusSeconds(3600));
            assertTrue(successor.tokenStore().put(KEY, fresh, Duration.ofMinutes(5), current.fence()));
            assertEquals(Optional.of(fresh), dying.tokenStore().find(KEY));
        }
    }

    @Test
    void aLeaseSaysWhetherTheStoreHeldATokenWhenItWasGranted() {
        RedisAdapters holder = fixture.adapters(Clock.systemUTC(), "holder");
        AccessToken token = new AccessToken("tok-left", "Bearer", Instant.now(), Instant.now().plusSeconds(3600));
        try (Lease first = acquired(holder.lockManager(), TTL, Duration.ZERO)) {
            assertTrue(first.noTokenStoredAtGrant(), "nothing stored yet");
            assertTrue(holder.tokenStore().put(KEY, token, Duration.ofMinutes(5), first.fence()));
        }

        try (Lease next = acquired(instance("next"), TTL, Duration.ZERO)) {
            assertFalse(next.noTokenStoredAtGrant(), "the previous holder left a token");
        }
        holder.tokenStore().delete(KEY);
        try (Lease after = acquired(instance("after"), TTL, Duration.ZERO)) {
            assertTrue(after.noTokenStoredAtGrant(), "deleted since");
        }
    }

    @Test
    void aClosedLockManagerGrantsNothingAndLeavesNoLeaseBehind() {
        LockManager closed = instance("closed");
        ((RedisLockManager) closed).close();

        assertThrows(IllegalStateException.class, () -> closed.acquire(KEY, TTL, Duration.ZERO));

        try (Lease lease = acquired(instance("open"), TTL, Duration.ZERO)) {
            assertEquals(KEY, lease.key());
        }
    }

    @Test
    void theWatchdogKeepsAHeldLeaseAlivePastItsTtl() {
        LockManager holder = instance("holder");
        // Renewed every third of the ttl: a 1 s ttl leaves a starved build machine ~650 ms of slack per renewal.
        Duration renewedTtl = Duration.ofSeconds(1);
        try (Lease held = acquired(holder, renewedTtl, Duration.ZERO)) {
            // Waits two ttls; without the watchdog the lease would have expired and been granted.
            assertEquals(Optional.empty(), instance("waiter").acquire(KEY, TTL, renewedTtl.multipliedBy(2)));
        }
        try (Lease next = acquired(instance("next"), TTL, Duration.ZERO)) {
            assertEquals(KEY, next.key());
        }
    }

    @Test
    void aWaiterOnAnotherInstanceIsWokenByTheRelease() throws Exception {
        LockManager holder = instance("holder");
        // No re-check before a minute and a 30 s ttl: only the pub/sub message can wake the waiter within the guard.
        LockManager waiter = fixture.adapters(Clock.systemUTC(), "waiter", Duration.ofMinutes(1)).lockManager();
        Lease held = acquired(holder, TTL, Duration.ZERO);
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Optional<Lease>> next = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            return waiter.acquire(KEY, TTL, Duration.ofMinutes(1));
        });
        assertTrue(waiting.await(GUARD.toSeconds(), TimeUnit.SECONDS));

        held.close();

        Optional<Lease> granted = next.get(GUARD.toSeconds(), TimeUnit.SECONDS);
        assertTrue(granted.isPresent());
        try (Lease lease = granted.get()) {
            assertTrue(lease.fence() > held.fence());
        }
    }
}
