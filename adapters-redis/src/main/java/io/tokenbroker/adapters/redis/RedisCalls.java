package io.tokenbroker.adapters.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Every Redis command of the adapters goes through here, so that none waits longer than the command timeout and
 * every failure is counted once in {@link RedisOutage}. The async API with a bounded {@code get} keeps the bound
 * independent of how the client was configured; the cluster interface lets the same code run on a standalone,
 * Sentinel or Cluster connection.
 */
final class RedisCalls {

    private final RedisClusterAsyncCommands<String, String> commands;
    private final Duration timeout;
    private final RedisOutage outage;

    RedisCalls(RedisClusterAsyncCommands<String, String> commands, Duration timeout, RedisOutage outage) {
        this.commands = Objects.requireNonNull(commands, "commands");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.outage = Objects.requireNonNull(outage, "outage");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the Redis command timeout must be positive");
        }
    }

    <T> T call(String operation, Function<RedisClusterAsyncCommands<String, String>, RedisFuture<T>> command) {
        RedisFuture<T> future = null;
        try {
            future = command.apply(commands);
            T result = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            outage.succeeded();
            return result;
        } catch (InterruptedException interrupted) {
            // Not an outage: the caller is being stopped. Must not be mistaken for one and fail open.
            Thread.currentThread().interrupt();
            if (future != null) {
                future.cancel(false);
            }
            throw new CancellationException("interrupted while waiting for Redis (" + operation + ")");
        } catch (ExecutionException failed) {
            outage.failed(operation, failed.getCause());
            throw new RedisUnavailableException(operation, failed.getCause());
        } catch (TimeoutException | RuntimeException failed) {
            if (future != null) {
                // A late reply must not act on anything: the caller has already moved on.
                future.cancel(false);
            }
            outage.failed(operation, failed);
            throw new RedisUnavailableException(operation, failed);
        }
    }

    /** Runs a Lua script; {@code keys} are declared so that Redis Cluster routes it to their slot. */
    <T> T eval(String operation, String script, ScriptOutputType type, String[] keys, String... args) {
        return call(operation, redis -> redis.eval(script, type, keys, args));
    }
}
