package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

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

    /**
     * As {@link #acquire(ConnectionKey, Duration, Duration)}, for a caller that wants the lease only for work the
     * holder may finish meanwhile (fetching the connection's token). Whenever the holder, on another instance,
     * announces that it stored a new token for {@code key}, {@code doneElsewhere} is asked on the waiting thread; if
     * it answers {@code true}, the wait ends without the lease. So the waiters of one holder finish when its token
     * lands, each instance after the one read {@code doneElsewhere} makes, rather than taking the lease one after
     * another only to read that token under it. Adapters that hear no such announcements never ask (within one
     * process, the service's single flight already shares the holder's result); the caller then reads under the
     * lease as before, and it does so too whenever {@code doneElsewhere} answers {@code false}.
     *
     * @param doneElsewhere whether the lease is no longer needed; one quick read, never a wait
     * @return the lease, or empty if {@code doneElsewhere} answered {@code true} or {@code maxWait} ran out (the
     *         caller tells the two apart by what {@code doneElsewhere} found)
     */
    default Optional<Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait,
                                    BooleanSupplier doneElsewhere) {
        return acquire(key, ttl, maxWait);
    }

    /** A held lease; close it with try-with-resources. Closing twice, or after it expired, does nothing. */
    interface Lease extends AutoCloseable {

        ConnectionKey key();

        /** Strictly greater than the fence of every earlier lease on the same key. */
        long fence();

        @Override
        void close();
    }
}
