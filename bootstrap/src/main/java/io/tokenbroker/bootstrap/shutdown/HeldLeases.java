package io.tokenbroker.bootstrap.shutdown;

import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.domain.connection.ConnectionKey;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The leases this instance holds, so that a stopping instance releases them and waiters on other instances proceed
 * at once instead of after a ttl. Wraps the lock manager the token service uses ({@link #tracking}). A lease released
 * here under a refresh that is still running is safe: that refresh's late writes carry a superseded fence.
 */
@Singleton
public final class HeldLeases {

    private final Set<Lease> open = ConcurrentHashMap.newKeySet();

    /** {@code locks}, with every lease it grants known here until closed. */
    public LockManager tracking(LockManager locks) {
        return new LockManager() {
            @Override
            public Optional<LockManager.Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait) {
                return locks.acquire(key, ttl, maxWait).map(HeldLeases.this::tracked);
            }

            @Override
            public Optional<LockManager.Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait,
                                                       BooleanSupplier doneElsewhere) {
                return locks.acquire(key, ttl, maxWait, doneElsewhere).map(HeldLeases.this::tracked);
            }

            @Override
            public Optional<LockManager.Lease> acquireUnlessDone(ConnectionKey key, Duration ttl, Duration maxWait,
                                                                 Supplier<CompletionStage<Boolean>> doneElsewhere) {
                return locks.acquireUnlessDone(key, ttl, maxWait, doneElsewhere).map(HeldLeases.this::tracked);
            }
        };
    }

    private LockManager.Lease tracked(LockManager.Lease lease) {
        return new Lease(lease);
    }

    /** Closes every lease still open; returns how many there were. */
    public int releaseAll() {
        List<Lease> held = List.copyOf(open);
        held.forEach(Lease::close);
        return held.size();
    }

    /** How many leases are open now. */
    public int count() {
        return open.size();
    }

    private final class Lease implements LockManager.Lease {

        private final LockManager.Lease lease;

        Lease(LockManager.Lease lease) {
            this.lease = lease;
            open.add(this);
        }

        @Override
        public ConnectionKey key() {
            return lease.key();
        }

        @Override
        public long fence() {
            return lease.fence();
        }

        @Override
        public boolean noTokenStoredAtGrant() {
            return lease.noTokenStoredAtGrant();
        }

        @Override
        public void close() {
            open.remove(this);
            lease.close();
        }

        @Override
        public String toString() {
            return lease.toString();
        }
    }
}
