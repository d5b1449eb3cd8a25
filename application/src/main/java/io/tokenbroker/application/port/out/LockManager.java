package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.util.Optional;

/**
 * Hands out one lease per connection at a time, so one refresh runs per connection however many callers and
 * instances ask. Each lease carries a fencing number that grows with every grant for that connection and never
 * goes backwards, so a store can refuse a writer whose lease has since been superseded.
 */
public interface LockManager {

    /**
     * Waits up to {@code maxWait} for the lease on {@code key}.
     *
     * @param ttl how long the lease outlives a holder that dies without closing it (implementations that cannot
     *            outlive their holder may ignore it)
     * @return the lease, or empty if it was still held by someone else when {@code maxWait} ran out
     */
    Optional<Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait);

    /** A held lease; close it with try-with-resources. Closing twice, or after it expired, does nothing. */
    interface Lease extends AutoCloseable {

        ConnectionKey key();

        /** Strictly greater than the fence of every earlier lease on the same key. */
        long fence();

        @Override
        void close();
    }
}
