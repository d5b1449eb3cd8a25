package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * Leases for a single process. The lease ttl is ignored: a holder that dies takes the whole process, and so every
 * waiter, with it. A semaphore rather than a lock because a lease need not be closed on the thread that took it.
 *
 * <p>A key's counter starts at its fence floor, read once on the key's first lease: with durable connections
 * behind it, a restarted process would otherwise hand out fences below the last stored rotation and every
 * rotation would be refused.
 */
public final class InMemoryLockManager implements LockManager {

    private static final class KeyLock {
        final Semaphore permit = new Semaphore(1, true);
        final AtomicLong fence;

        KeyLock(long floor) {
            fence = new AtomicLong(floor);
        }
    }

    private final ConcurrentMap<ConnectionKey, KeyLock> locks = new ConcurrentHashMap<>();
    private final ToLongFunction<ConnectionKey> fenceFloor;

    /** Fences start at 1 for every key: right when nothing outlives the process. */
    public InMemoryLockManager() {
        this(key -> 0);
    }

    /** @param fenceFloor the highest fence already used for a key, e.g. {@code Connections::highestFence} */
    public InMemoryLockManager(ToLongFunction<ConnectionKey> fenceFloor) {
        this.fenceFloor = fenceFloor;
    }

    @Override
    public Optional<Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait) {
        KeyLock lock = locks.computeIfAbsent(key, k -> new KeyLock(fenceFloor.applyAsLong(k)));
        try {
            if (!lock.permit.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                return Optional.empty();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        return Optional.of(new InMemoryLease(key, lock.fence.incrementAndGet(), lock.permit));
    }

    private record InMemoryLease(ConnectionKey key, long fence, Semaphore permit, AtomicBoolean open)
            implements Lease {

        InMemoryLease(ConnectionKey key, long fence, Semaphore permit) {
            this(key, fence, permit, new AtomicBoolean(true));
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                permit.release();
            }
        }
    }
}
