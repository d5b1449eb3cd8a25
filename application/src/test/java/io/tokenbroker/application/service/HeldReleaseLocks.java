package io.tokenbroker.application.service;

import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.testing.ForwardingLease;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Leases from process memory whose release, once {@link #closing}, waits until the test lets it go on
 * ({@link #release}) while {@link #holding}, and can fail after releasing ({@link #failOnRelease}).
 */
final class HeldReleaseLocks implements LockManager {

    final CountDownLatch closing = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean holding = true;
    volatile boolean failOnRelease;
    private final LockManager delegate = new InMemoryLockManager();
    private final Runnable onAcquire;

    HeldReleaseLocks() {
        this(() -> { });
    }

    /** @param onAcquire run as each lease is asked for, before it is granted */
    HeldReleaseLocks(Runnable onAcquire) {
        this.onAcquire = onAcquire;
    }

    @Override
    public Optional<Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait) {
        onAcquire.run();
        return delegate.acquire(key, ttl, maxWait).map(held -> new ForwardingLease(held) {
            @Override
            public void close() {
                closing.countDown();
                awaitIf(holding, release);
                super.close();
                if (failOnRelease) {
                    throw new IllegalStateException("the lease store went away");
                }
            }
        });
    }

    /** Waits (30 s at most) for {@code release} while {@code holding}, as a held test double does. */
    static void awaitIf(boolean holding, CountDownLatch release) {
        if (!holding) {
            return;
        }
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
