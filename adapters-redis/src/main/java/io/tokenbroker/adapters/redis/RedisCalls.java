package io.tokenbroker.adapters.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import reactor.core.scheduler.Schedulers;

/**
 * Every Redis command of the adapters goes through here, so that none waits longer than the command timeout and
 * every failure is counted once in {@link RedisOutage}. The async API with a bounded {@code get} keeps the bound
 * independent of how the client was configured; the cluster interface lets the same code run on a standalone,
 * Sentinel or Cluster connection.
 *
 * <p>While Redis is down, one call per command timeout goes through as a probe and the others fail at once: a
 * Redis that is connected but slow would otherwise cost every request a full timeout per command (a read, a lease,
 * a write). A disconnected one costs nothing either way, Lettuce rejects at once; when Lettuce reconnects, the next
 * call probes at once ({@link #probeNow}). The lease acquire is the exception ({@link #evalEvenWhileDown}).
 *
 * <p>A command Redis refuses as wrong ({@code ERR}, {@code WRONGTYPE}: a script error) fails that call the same way,
 * so the adapter falls back for it, but is not an outage: Redis answered.
 *
 * <p>{@link #call} refuses to wait on an event-loop thread (the same check Reactor's {@code block()} makes): Lettuce
 * runs on the HTTP server's event loops, so a call waiting on one may be waiting for a reply that only the loop it
 * blocks can read, a hang until the timeout and a false outage. Such a call fails at once like a refused command (the
 * adapter falls back, Redis is not marked down) and is counted: it is a bug in whoever called it there.
 */
final class RedisCalls {

    private static final System.Logger LOG = System.getLogger(RedisCalls.class.getName());
    private static final List<String> COMMAND_ERRORS = List.of("ERR", "WRONGTYPE");

    private final RedisClusterAsyncCommands<String, String> commands;
    private final RedisLoopConnections loops;
    private final Duration timeout;
    private final RedisOutage outage;
    private final AtomicLong nextProbeAt = new AtomicLong(System.nanoTime());
    private final AtomicLong refusedOnEventLoop = new AtomicLong();

    RedisCalls(RedisClusterAsyncCommands<String, String> commands, Duration timeout, RedisOutage outage) {
        this(commands, RedisLoopConnections.none(), timeout, outage);
    }

    /** With {@code loops}: {@link #callAsync} on one of those loops goes over that loop's own connection. */
    RedisCalls(RedisClusterAsyncCommands<String, String> commands, RedisLoopConnections loops, Duration timeout,
               RedisOutage outage) {
        this.commands = Objects.requireNonNull(commands, "commands");
        this.loops = Objects.requireNonNull(loops, "loops");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.outage = Objects.requireNonNull(outage, "outage");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the Redis command timeout must be positive");
        }
    }

    <T> T call(String operation, Function<RedisClusterAsyncCommands<String, String>, RedisFuture<T>> command) {
        if (onEventLoop()) {
            throw refusedOnEventLoop(operation);
        }
        if (outage.isDown() && !mayProbe()) {
            outage.skipped();
            throw new RedisUnavailableException(operation + ", skipped until the next probe", null);
        }
        return send(operation, command);
    }

    /**
     * {@link #eval}, sent even while Redis is marked down: for the one command whose answer decides who acts (the
     * lease acquire), where failing open because some earlier command timed out would let this instance act beside
     * another whose Redis is fine. It costs nothing when Redis is really gone (Lettuce rejects at once while
     * disconnected), and a command timeout when Redis is connected but answers nobody.
     */
    <T> T evalEvenWhileDown(String operation, String script, ScriptOutputType type, String[] keys, String... args) {
        if (onEventLoop()) {
            throw refusedOnEventLoop(operation);
        }
        return send(operation, redis -> redis.eval(script, type, keys, args));
    }

    private <T> T send(String operation, Function<RedisClusterAsyncCommands<String, String>, RedisFuture<T>> command) {
        RedisFuture<T> future = null;
        try {
            future = command.apply(commands);
            T result = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            outage.sharedUp();
            return result;
        } catch (InterruptedException interrupted) {
            // Not an outage: the caller is being stopped. Must not be mistaken for one and fail open.
            Thread.currentThread().interrupt();
            if (future != null) {
                future.cancel(false);
            }
            throw new CancellationException("interrupted while waiting for Redis (" + operation + ")");
        } catch (ExecutionException failed) {
            throw failure(operation, failed.getCause(), commands);
        } catch (TimeoutException | RuntimeException failed) {
            if (future != null) {
                // A late reply must not act on anything: the caller has already moved on.
                future.cancel(false);
            }
            throw failure(operation, failed, commands);
        }
    }

    /**
     * {@link #call} without waiting: completes on Lettuce's thread (or the timeout's), with the same outage
     * bookkeeping; a failure completes it with a {@link RedisUnavailableException}. Called on an event loop that has
     * a connection of its own, it goes over that one, so the reply completes it on the calling loop.
     */
    <T> CompletableFuture<T> callAsync(String operation,
                                       Function<RedisClusterAsyncCommands<String, String>, RedisFuture<T>> command) {
        if (outage.isDown() && !mayProbe()) {
            outage.skipped();
            return CompletableFuture.failedFuture(
                    new RedisUnavailableException(operation + ", skipped until the next probe", null));
        }
        RedisClusterAsyncCommands<String, String> here = loops.here();
        RedisClusterAsyncCommands<String, String> over = here != null ? here : commands;
        CompletableFuture<T> future;
        try {
            future = command.apply(over).toCompletableFuture();
        } catch (RuntimeException failed) {
            return CompletableFuture.failedFuture(failure(operation, failed, over));
        }
        return future.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).handle((result, failed) -> {
            if (failed == null) {
                answered(over);
                return result;
            }
            future.cancel(false);
            throw failure(operation, failed instanceof CompletionException ? failed.getCause() : failed, over);
        });
    }

    /** Redis answered over {@code over}: the outage ends, unless the shared connection is still lost. */
    private void answered(RedisClusterAsyncCommands<String, String> over) {
        if (over == commands) {
            outage.sharedUp();
        } else {
            outage.succeeded();
        }
    }

    /** Whether the current thread is an event loop, where nothing may wait for Redis. */
    static boolean onEventLoop() {
        return Schedulers.isInNonBlockingThread();
    }

    /** Blocking calls refused on an event loop since start; 0 unless a caller is wrongly placed. */
    long refusedOnEventLoop() {
        return refusedOnEventLoop.get();
    }

    private RedisUnavailableException refusedOnEventLoop(String operation) {
        long refused = refusedOnEventLoop.incrementAndGet();
        if (refused == 1 || refused % 1000 == 0) {
            LOG.log(Level.ERROR, "refused a blocking Redis call ({0}) on event loop {1}, {2} since start: it must "
                    + "run on a worker thread", operation, Thread.currentThread().getName(), refused);
        }
        return new RedisUnavailableException(operation + ", refused: a blocking call on an event loop", null);
    }

    /** What a failed call means (an outage, or a refused command) and the exception its caller gets. */
    private RedisUnavailableException failure(String operation, Throwable cause,
                                              RedisClusterAsyncCommands<String, String> over) {
        Optional<String> refusal = commandError(cause);
        if (refusal.isPresent()) {
            // Redis answered, so it is up: the command is at fault (a script error is a bug, or an entry this
            // version cannot read). Counted as an outage, it would turn every adapter fail-open for nothing.
            answered(over);
            LOG.log(Level.WARNING, "Redis refused {0} ({1})", operation, refusal.get());
            return RedisUnavailableException.refused(operation, refusal.get());
        }
        holdOffProbes(over);
        outage.failed(operation, cause);
        return new RedisUnavailableException(operation, cause);
    }

    /**
     * The error code of a reply that blames the command rather than the server ({@code ERR}, {@code WRONGTYPE});
     * empty for everything else, including replies that mean Redis cannot serve now (BUSY, LOADING, READONLY,
     * MASTERDOWN, OOM...), which stay outages. Only the code: the rest of a reply can echo a command's arguments.
     */
    private static Optional<String> commandError(Throwable cause) {
        if (!(cause instanceof RedisCommandExecutionException) || cause.getMessage() == null) {
            return Optional.empty();
        }
        String message = cause.getMessage();
        return COMMAND_ERRORS.stream().filter(code -> message.equals(code) || message.startsWith(code + " "))
                .findFirst();
    }

    /** Lets the next call through as a probe; called when the connection is back. */
    void probeNow() {
        nextProbeAt.set(System.nanoTime());
    }

    private boolean mayProbe() {
        long next = nextProbeAt.get();
        long now = System.nanoTime();
        return now - next >= 0 && nextProbeAt.compareAndSet(next, now + timeout.toNanos());
    }

    /**
     * Only a connected Redis that failed or was slow holds the next probe off. A closed connection rejects at once,
     * for free, so after such a rejection the next call may probe again at once: the reconnect listener fires when
     * the channel is up, a moment before Lettuce accepts commands, and a probe rejected in that moment must not
     * leave Redis unused for a whole command timeout after it came back. ({@link #mayProbe} has already pushed the
     * next probe a timeout ahead when this call was the probe.)
     */
    private void holdOffProbes(RedisClusterAsyncCommands<String, String> over) {
        long now = System.nanoTime();
        nextProbeAt.set(over.isOpen() ? now + timeout.toNanos() : now);
    }

    /** Runs a Lua script; {@code keys} are declared so that Redis Cluster routes it to their slot. */
    <T> T eval(String operation, String script, ScriptOutputType type, String[] keys, String... args) {
        return call(operation, redis -> redis.eval(script, type, keys, args));
    }
}
