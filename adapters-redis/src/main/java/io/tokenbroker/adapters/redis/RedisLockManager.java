package io.tokenbroker.adapters.redis;

import io.lettuce.core.ScriptOutputType;
import io.tokenbroker.adapters.redis.RedisEvents.Type;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Leases shared by every instance: {@code SET NX PX} on the connection's lease key, value {@code owner|fence},
 * released and extended by Lua scripts that act only if the value is still the caller's, so a holder whose lease
 * expired can never release or extend its successor's.
 *
 * <h2>Fencing</h2>
 * The acquire script also answers whether the connection's token key exists ({@link Lease#noTokenStoredAtGrant}):
 * it shares the lease's hash tag, so one script sees both, and a holder over an empty store skips its read.
 *
 * <p>The acquire script issues the fence as {@code max(stored fence + 1, Redis TIME in microseconds)} and stores it.
 * A plain {@code INCR} restarts at 1 when Redis restarts empty or fails over to a replica that missed the last
 * write, and every later writer would look stale. The time term carries the order across such a loss: fences are
 * issued at most one per grant, and grants are far rarer than one per microsecond, so a stored fence never runs
 * more than a few microseconds ahead of the clock, and a Redis that comes back later starts above it. The
 * assumption, written down here because it is the only one: the Redis server's clock does not jump back by more
 * than the restart took. A double holds microseconds since 1970 exactly (below 2^53 until the year 2255); the
 * script formats them with {@code %.0f} because Lua's {@code tostring} would round to 14 digits.
 *
 * <h2>Waiting</h2>
 * One waiter per key per instance (an in-process fair lease taken first; the service's single flight puts one
 * caller there per connection), so 100 callers on one instance put one client on Redis. The waiter sleeps on the
 * connection's pub/sub channel. When the holder announces a stored token (the message names its fingerprint, never
 * the token), the waiter asks its caller's {@code doneElsewhere}, which reads the token once (through
 * {@link #acquireUnlessDone} the read starts on the pub/sub thread that heard the message, and the waiter wakes
 * once, with the answer); if it serves, the wait ends there, without the lease: the holder releases only after
 * storing, so taking the lease to read the token would cost a release message and two more round trips per waiting
 * instance, one instance after another.
 * On a release, or a stored token that does not serve (a manual refresh, a {@code min_valid_for} it cannot meet),
 * the waiter tries the lease again. If the message is lost, or the holder died and its lease simply expires, the
 * wait is bounded by the lease's remaining time and {@code recheck}, then the waiter tries again. There is no
 * polling interval.
 *
 * <h2>Holding</h2>
 * {@link RedisLease}: a watchdog extends every held lease by its ttl every third of the ttl, so a slow upstream
 * call does not outlive the lease; when the instance dies the extensions stop and the lease expires after one ttl.
 *
 * <h2>Redis down</h2>
 * The acquire is sent even while {@link RedisOutage} says Redis is down: its answer decides who calls the upstream,
 * and an earlier timeout here says nothing of the Redis other instances reach. One that goes unanswered is sent again
 * as the same owner, whom the script grants the lease it may already hold (a first attempt that ran with its reply
 * lost must not leave its caller waiting on itself for a ttl). Only when Redis rejects it (disconnected) or the retry
 * goes unanswered too does it fail open: with the in-process lease held, the lease comes from the {@code whenDown}
 * lock manager bootstrap hands in (PostgreSQL's for connections whose refresh token may rotate, so two instances
 * never present one at once);
 * by default the in-process lease alone is granted, with a fence from the local clock in the same microsecond space
 * ({@code max(last + 1, now)}), so the instance keeps refreshing for its own callers and instances may refresh once
 * each. The outage is logged once by {@link RedisOutage}.
 */
public final class RedisLockManager implements LockManager, AutoCloseable {

    private static final String ACQUIRE = """
            if redis.replicate_commands then redis.replicate_commands() end
            local mine = ARGV[1] .. '|'
            local held = redis.call('GET', KEYS[1])
            if held and string.sub(held, 1, #mine) == mine then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return {1, string.sub(held, #mine + 1), redis.call('EXISTS', KEYS[3])}
            end
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local stored = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
            local fence = stored + 1
            if now > fence then fence = now end
            local f = string.format('%.0f', fence)
            local value = ARGV[1] .. '|' .. f
            if not redis.call('SET', KEYS[1], value, 'NX', 'PX', ARGV[2]) then
              return {0, redis.call('PTTL', KEYS[1])}
            end
            redis.call('SET', KEYS[2], f)
            return {1, f, redis.call('EXISTS', KEYS[3])}
            """;

    private static final CompletableFuture<Boolean> NOT_DONE = CompletableFuture.completedFuture(false);

    private final RedisCalls redis;
    private final RedisKeys keys;
    private final RedisEvents events;
    private final String instanceId;
    private final Duration recheck;
    private final LockManager local;
    private final LockManager whenDown;
    private final AtomicLong owners = new AtomicLong();
    private final ScheduledExecutorService watchdog;

    /**
     * @param instanceId distinguishes this instance's leases from every other's; random per start
     * @param recheck    longest wait without an event before the lease is tried again
     * @param inProcess  this process's leases, taken first (one waiter per key on Redis, and on {@code whenDown})
     * @param whenDown   grants the lease while Redis is unreachable, asked with the in-process lease held
     */
    RedisLockManager(RedisCalls redis, RedisKeys keys, RedisEvents events, String instanceId,
                     Duration recheck, LockManager inProcess, LockManager whenDown) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.events = Objects.requireNonNull(events, "events");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.recheck = Objects.requireNonNull(recheck, "recheck");
        this.local = Objects.requireNonNull(inProcess, "inProcess");
        this.whenDown = Objects.requireNonNull(whenDown, "whenDown");
        this.watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tokenbroker-lease-watchdog");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public Optional<Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait) {
        return acquire(key, ttl, maxWait, () -> false);
    }

    /** {@code doneElsewhere} is asked each time a token stored for {@code key} is announced while waiting. */
    @Override
    public Optional<Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait, BooleanSupplier doneElsewhere) {
        return acquireWith(key, ttl, maxWait, onWaitingThread(doneElsewhere));
    }

    /**
     * {@code doneElsewhere} is started on the pub/sub thread that heard a token stored for {@code key} announced, so
     * the waiting thread wakes once, with its answer.
     */
    @Override
    public Optional<Lease> acquireUnlessDone(ConnectionKey key, Duration ttl, Duration maxWait,
                                             Supplier<CompletionStage<Boolean>> doneElsewhere) {
        return acquireWith(key, ttl, maxWait, onEventThread(doneElsewhere));
    }

    /** How a waiter learns from the next event on its key whether a stored token ended its wait. */
    @FunctionalInterface
    private interface StoredCheck {

        /** Waits up to {@code nanos} for the next event: true when it announced a token that ends the wait. */
        boolean endsWait(CompletableFuture<Type> wake, long nanos);
    }

    private static StoredCheck onWaitingThread(BooleanSupplier doneElsewhere) {
        return (wake, nanos) -> await(wake, nanos).filter(Type.STORED::equals).isPresent()
                && doneElsewhere.getAsBoolean();
    }

    private static StoredCheck onEventThread(Supplier<CompletionStage<Boolean>> doneElsewhere) {
        return (wake, nanos) -> await(wake.thenCompose(type -> type == Type.STORED ? started(doneElsewhere)
                : NOT_DONE), nanos).orElse(false);
    }

    /** Never fails: on the pub/sub thread a failure would only reach the waiter as a bug of its own. */
    private static CompletionStage<Boolean> started(Supplier<CompletionStage<Boolean>> doneElsewhere) {
        try {
            return doneElsewhere.get().exceptionally(failed -> false);
        } catch (RuntimeException failed) {
            return NOT_DONE;
        }
    }

    private Optional<Lease> acquireWith(ConnectionKey key, Duration ttl, Duration maxWait,
                                        StoredCheck doneElsewhere) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        Optional<Lease> localLease = local.acquire(key, ttl, maxWait);
        if (localLease.isEmpty()) {
            return Optional.empty();
        }
        Lease inProcess = localLease.get();
        String owner = instanceId + ":" + owners.incrementAndGet();
        try {
            Optional<Lease> shared = acquireShared(key, ttl, owner, inProcess, deadline, doneElsewhere);
            if (shared.isEmpty()) {
                inProcess.close();
            }
            return shared;
        } catch (RedisUnavailableException down) {
            return whileDown(key, ttl, inProcess, deadline);
        } catch (CancellationException interrupted) {
            // Interrupted while waiting, as the in-process lease answers it: no lease.
            inProcess.close();
            return Optional.empty();
        } catch (RuntimeException | Error failure) {
            inProcess.close();
            throw failure;
        }
    }

    private Optional<Lease> acquireShared(ConnectionKey key, Duration ttl, String owner, Lease inProcess,
                                          long deadline, StoredCheck doneElsewhere) {
        while (true) {
            // Registered before the attempt: a release or a store between the attempt and the wait still wakes us.
            CompletableFuture<Type> wake = events.nextEvent(key);
            try {
                // The token key too: whether a previous holder left a token is answered with the grant, so a
                // holder over an empty store reads nothing more before it calls the upstream.
                List<Object> reply = attempt(key, ttl, owner);
                if (((Long) reply.get(0)) == 1L) {
                    return Optional.of(granted(key, ttl, owner, Long.parseLong((String) reply.get(1)),
                            ((Long) reply.get(2)) == 0L, inProcess));
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return Optional.empty();
                }
                long leaseLeft = TimeUnit.MILLISECONDS.toNanos(Math.max(1, (Long) reply.get(1)));
                // The holder stored a token: one read may end the wait; the holder releases the lease only after.
                if (doneElsewhere.endsWait(wake, Math.min(remaining, Math.min(leaseLeft, recheck.toNanos())))) {
                    return Optional.empty();
                }
            } finally {
                events.forget(key, wake);
            }
        }
    }

    /** One try, sent even while Redis is marked down and once more if unanswered: see <i>Redis down</i> above. */
    private List<Object> attempt(ConnectionKey key, Duration ttl, String owner) {
        String[] leaseKeys = {keys.lease(key), keys.fence(key), keys.token(key)};
        String ttlMillis = Long.toString(RedisLease.ttlMillis(ttl));
        try {
            return redis.evalEvenWhileDown("acquire lease", ACQUIRE, ScriptOutputType.MULTI, leaseKeys, owner,
                    ttlMillis);
        } catch (RedisUnavailableException unanswered) {
            if (!unanswered.mayHaveRun()) {
                throw unanswered;
            }
            return redis.evalEvenWhileDown("acquire lease again", ACQUIRE, ScriptOutputType.MULTI, leaseKeys, owner,
                    ttlMillis);
        }
    }

    private RedisLease granted(ConnectionKey key, Duration ttl, String owner, long fence, boolean noToken,
                               Lease inProcess) {
        RedisLease lease = new RedisLease(redis, keys, key, new RedisLease.Grant(fence, owner + "|" + fence, noToken),
                inProcess);
        try {
            lease.renewEvery(ttl, watchdog);
        } catch (RejectedExecutionException closed) {
            lease.close();
            throw new IllegalStateException("the lock manager is closed", closed);
        }
        return lease;
    }

    /** What ended the wait, or empty when nothing came in time. */
    private static <T> Optional<T> await(CompletableFuture<T> wake, long nanos) {
        try {
            return Optional.of(wake.get(nanos, TimeUnit.NANOSECONDS));
        } catch (TimeoutException quiet) {
            // No event: the holder may have died, or the message was lost; the caller tries again.
            return Optional.empty();
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for a lease");
        }
    }

    private Optional<Lease> whileDown(ConnectionKey key, Duration ttl, Lease inProcess, long deadline) {
        Optional<Lease> granted;
        try {
            granted = whenDown.acquire(key, ttl, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (RuntimeException | Error failure) {
            inProcess.close();
            throw failure;
        }
        if (granted.isEmpty()) {
            inProcess.close();
            return Optional.empty();
        }
        return Optional.of(new FallbackLease(inProcess, granted.get()));
    }

    /** Stops extending leases, as a dead instance would; leases still held then expire after their ttl. */
    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
