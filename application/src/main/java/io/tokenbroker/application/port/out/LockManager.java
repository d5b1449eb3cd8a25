package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

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

    /**
     * As {@link #acquire(ConnectionKey, Duration, Duration, BooleanSupplier)}, with a check that starts its read
     * without blocking: an adapter that hears the announcement on an I/O thread starts it there, so the waiting
     * thread wakes once, when the answer is in, rather than once to start the read and again for its reply; the
     * check may meanwhile hand what it read to whoever else waits for it. This default waits for the check on the
     * waiting thread, as the synchronous variant does.
     *
     * @param doneElsewhere starts one read and completes with whether the lease is no longer needed; must neither
     *                      block nor complete exceptionally (a read that fails answers {@code false})
     */
    default Optional<Lease> acquireUnlessDone(ConnectionKey key, Duration ttl, Duration maxWait,
                                              Supplier<CompletionStage<Boolean>> doneElsewhere) {
        return acquire(key, ttl, maxWait, () -> doneElsewhere.get().toCompletableFuture().join());
    }

    /** A held lease; close it with try-with-resources. Closing twice, or after it expired, does nothing. */
    interface Lease extends AutoCloseable {

        ConnectionKey key();

        /** Strictly greater than the fence of every earlier lease on the same key. */
        long fence();

        /**
         * True when the lease was granted in one step with a look at the shared token store that found no token for
         * the key: no previous holder left one, so the holder need not read the shared store under this lease (only
         * what its own process keeps in memory, which the shared store cannot know of). False when unknown, which
         * every lock manager that shares no storage with the token store answers; the holder then reads as before.
         */
        default boolean noTokenStoredAtGrant() {
            return false;
        }

        @Override
        void close();
    }
}
