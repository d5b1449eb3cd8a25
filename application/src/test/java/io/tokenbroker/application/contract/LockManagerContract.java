package io.tokenbroker.application.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LockManager} must do. An adapter test extends this class and returns a manager with no lease
 * held from {@link #newLockManager}. Waits in these tests are long on purpose: they bound a hung run, they are
 * never what a test measures.
 */
public abstract class LockManagerContract {

    protected static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    protected static final ConnectionKey OTHER_KEY = ConnectionKey.of("acme", "erp");
    /** Long enough never to decide a test; only a guard against a hang. */
    protected static final Duration LONG_WAIT = Duration.ofSeconds(30);

    private LockManager locks;
    private ExecutorService threads;

    /** A lock manager over empty storage: no lease is held on any key. */
    protected abstract LockManager newLockManager();

    /** The ttl the tests ask for; longer than any test runs, so no lease expires under a test. */
    protected Duration leaseTtl() {
        return Duration.ofSeconds(30);
    }

    /** Threads in {@link #oneHolderAtATimeUnderContention}. */
    protected int contendingThreads() {
        return 16;
    }

    /** Acquire/close rounds per thread in {@link #oneHolderAtATimeUnderContention}. */
    protected int roundsPerThread() {
        return 50;
    }

    @BeforeEach
    void createLockManager() {
        locks = newLockManager();
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private Optional<Lease> acquire(ConnectionKey key, Duration maxWait) {
        return locks.acquire(key, leaseTtl(), maxWait);
    }

    private Lease acquired(ConnectionKey key) {
        return acquire(key, Duration.ZERO).orElseThrow(() -> new AssertionError("the lease on " + key + " is free"));
    }

    @Test
    void aFreeLeaseIsGrantedWithAPositiveFence() {
        try (Lease lease = acquired(KEY)) {
            assertEquals(KEY, lease.key());
            assertTrue(lease.fence() > 0, "fence " + lease.fence());
        }
    }

    @Test
    void aHeldLeaseIsNotGrantedAgainWithoutWaiting() {
        try (Lease held = acquired(KEY)) {
            assertEquals(Optional.empty(), acquire(KEY, Duration.ZERO));
        }
    }

    @Test
    void aClosedLeaseIsGrantedAgainWithAGreaterFence() {
        long first;
        try (Lease lease = acquired(KEY)) {
            first = lease.fence();
        }
        try (Lease again = acquired(KEY)) {
            assertTrue(again.fence() > first, again.fence() + " after " + first);
        }
    }

    @Test
    void fencesNeverGoBackwards() {
        long previous = 0;
        for (int i = 0; i < 100; i++) {
            try (Lease lease = acquired(KEY)) {
                assertTrue(lease.fence() > previous, "lease " + i + ": " + lease.fence() + " after " + previous);
                previous = lease.fence();
            }
        }
    }

    @Test
    void differentKeysDoNotBlockEachOther() {
        try (Lease one = acquired(KEY); Lease other = acquired(OTHER_KEY)) {
            assertEquals(KEY, one.key());
            assertEquals(OTHER_KEY, other.key());
        }
    }

    @Test
    void closingTwiceDoesNotLetTwoHoldersIn() {
        Lease lease = acquired(KEY);
        lease.close();
        lease.close();

        try (Lease next = acquired(KEY)) {
            assertEquals(Optional.empty(), acquire(KEY, Duration.ZERO), "a second holder got in");
            assertTrue(next.fence() > lease.fence());
        }
    }

    @Test
    void aWaiterGetsTheLeaseOnceTheHolderClosesIt() throws Exception {
        Lease holder = acquired(KEY);
        CountDownLatch waiterStarted = new CountDownLatch(1);
        CompletableFuture<Optional<Lease>> waiter = CompletableFuture.supplyAsync(() -> {
            waiterStarted.countDown();
            return acquire(KEY, LONG_WAIT);
        }, threads);
        assertTrue(waiterStarted.await(LONG_WAIT.toSeconds(), TimeUnit.SECONDS));

        holder.close();

        Optional<Lease> granted = waiter.get(LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(granted.isPresent(), "the waiter got no lease");
        try (Lease lease = granted.get()) {
            assertTrue(lease.fence() > holder.fence());
        }
    }

    @Test
    void aWaiterWithACheckGetsTheLeaseOnceTheHolderClosesItWithoutAskingIt() throws Exception {
        Lease holder = acquired(KEY);
        AtomicInteger asked = new AtomicInteger();
        CompletableFuture<Optional<Lease>> waiter = onAThread(() -> locks.acquireUnlessDone(KEY, leaseTtl(),
                LONG_WAIT, () -> CompletableFuture.completedFuture(asked.incrementAndGet() > 0)));

        holder.close();

        try (Lease lease = waiter.get(LONG_WAIT.toSeconds(), TimeUnit.SECONDS)
                .orElseThrow(() -> new AssertionError("the waiter got no lease"))) {
            assertTrue(lease.fence() > holder.fence(), "granted after the holder's");
        }
        assertEquals(0, asked.get(), "no token was announced");
    }

    /** {@code acquire} on a thread of the test's, returned once that thread has started. */
    private CompletableFuture<Optional<Lease>> onAThread(Supplier<Optional<Lease>> acquire)
            throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Optional<Lease>> waiter = CompletableFuture.supplyAsync(() -> {
            started.countDown();
            return acquire.get();
        }, threads);
        assertTrue(started.await(LONG_WAIT.toSeconds(), TimeUnit.SECONDS));
        return waiter;
    }

    @Test
    void oneHolderAtATimeUnderContention() throws Exception {
        int threadCount = contendingThreads();
        int rounds = roundsPerThread();
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger refusals = new AtomicInteger();
        List<Long> fencesInGrantOrder = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int t = 0; t < threadCount; t++) {
            workers.add(CompletableFuture.runAsync(() -> {
                awaitQuietly(start);
                for (int round = 0; round < rounds; round++) {
                    Optional<Lease> acquired = acquire(KEY, LONG_WAIT);
                    if (acquired.isEmpty()) {
                        refusals.incrementAndGet();
                        continue;
                    }
                    try (Lease lease = acquired.get()) {
                        if (holders.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        fencesInGrantOrder.add(lease.fence());
                        holders.decrementAndGet();
                    }
                }
            }, threads));
        }

        start.countDown();
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(2 * LONG_WAIT.toSeconds(),
                TimeUnit.SECONDS);

        assertEquals(0, overlaps.get(), "two holders at once");
        assertEquals(0, refusals.get(), "a waiter gave up");
        assertEquals(threadCount * rounds, fencesInGrantOrder.size());
        assertEquals(threadCount * rounds, new HashSet<>(fencesInGrantOrder).size(), "fences repeat");
        for (int i = 1; i < fencesInGrantOrder.size(); i++) {
            assertTrue(fencesInGrantOrder.get(i) > fencesInGrantOrder.get(i - 1), "fence went backwards at " + i);
        }
        try (Lease last = acquired(KEY)) {
            assertTrue(last.fence() > fencesInGrantOrder.get(fencesInGrantOrder.size() - 1));
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(LONG_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("never started");
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }
}
