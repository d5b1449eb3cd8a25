package io.tokenbroker.adapters.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.netty.util.concurrent.EventExecutor;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * One command connection per event loop, each the only connection of a client whose resources hold that one loop, for
 * the reads a request starts on its loop: the command is written, and its reply read and answered, by the thread that
 * asked. With one connection for every loop, a request on another loop handed its command over to the connection's
 * loop and the reply back (two wake-ups per hit, issue 17). A reconnect registers on the client's one loop again, so
 * a connection never moves. Sentinel and Cluster clients work the same way (a Cluster client's node connections all
 * live on its loop).
 *
 * <p>The clients are handed over: closing closes each connection, then shuts its client and the client's resources
 * down (resources that share the loops with the server leave them running).
 */
final class RedisLoopConnections implements AutoCloseable {

    private static final Logger LOG = System.getLogger(RedisLoopConnections.class.getName());

    /** A connection bound to {@code loop}, with the client that made it. */
    record Bound(EventExecutor loop, AbstractRedisClient client, StatefulConnection<String, String> connection,
                 RedisClusterAsyncCommands<String, String> commands) {

        Bound {
            Objects.requireNonNull(loop, "loop");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(commands, "commands");
        }
    }

    private static final RedisLoopConnections NONE = new RedisLoopConnections(List.of());

    private final Bound[] bound;

    private RedisLoopConnections(List<Bound> bound) {
        this.bound = bound.toArray(Bound[]::new);
    }

    /** No loop has a connection of its own: every read goes over the shared one. */
    static RedisLoopConnections none() {
        return NONE;
    }

    /** Connects each loop's standalone (or Sentinel) client with {@code options}. */
    static RedisLoopConnections standalone(Map<? extends EventExecutor, RedisClient> clients, ClientOptions options) {
        return connect(clients, (loop, client) -> {
            client.setOptions(options);
            StatefulRedisConnection<String, String> connection = client.connect();
            return new Bound(loop, client, connection, connection.async());
        });
    }

    /** Connects each loop's Cluster client with {@code options}. */
    static RedisLoopConnections cluster(Map<? extends EventExecutor, RedisClusterClient> clients,
                                        ClusterClientOptions options) {
        return connect(clients, (loop, client) -> {
            client.setOptions(options);
            StatefulRedisClusterConnection<String, String> connection = client.connect();
            return new Bound(loop, client, connection, connection.async());
        });
    }

    /**
     * Connects each loop's client; on a failure, closes what was opened, shuts every client down and rethrows, so a
     * start that cannot reach Redis leaves nothing behind.
     */
    private static <C extends AbstractRedisClient> RedisLoopConnections connect(
            Map<? extends EventExecutor, C> clients, BiFunction<EventExecutor, C, Bound> connect) {
        List<Bound> opened = new ArrayList<>();
        try {
            clients.forEach((loop, client) -> opened.add(connect.apply(loop, client)));
        } catch (RuntimeException failed) {
            opened.forEach(RedisLoopConnections::closeConnection);
            clients.values().forEach(RedisLoopConnections::shutDown);
            throw failed;
        }
        return new RedisLoopConnections(opened);
    }

    /** {@code step}, or on its failure the loops' clients shut down (they were handed over) and the failure rethrown. */
    static <T> T orShutDown(Map<?, ? extends AbstractRedisClient> clients, Supplier<T> step) {
        try {
            return step.get();
        } catch (RuntimeException failed) {
            clients.values().forEach(RedisLoopConnections::shutDown);
            throw failed;
        }
    }

    /**
     * The commands of the calling thread's loop; {@code null} when it is no loop of these (a worker, a test), or while
     * its connection is down: the read then goes over the shared connection, so a loop connection that comes back
     * later than the shared one after an outage neither fails reads nor counts as a second outage.
     */
    RedisClusterAsyncCommands<String, String> here() {
        for (Bound each : bound) {
            if (each.loop().inEventLoop()) {
                return each.commands().isOpen() ? each.commands() : null;
            }
        }
        return null;
    }

    /** How many loops have a connection of their own. */
    int size() {
        return bound.length;
    }

    @Override
    public void close() {
        for (Bound each : bound) {
            closeConnection(each);
            shutDown(each.client());
        }
    }

    private static void closeConnection(Bound bound) {
        try {
            bound.connection().close();
        } catch (RuntimeException failed) {
            LOG.log(Level.WARNING, "closing a Redis connection of an event loop failed: {0}", failed.toString());
        }
    }

    private static void shutDown(AbstractRedisClient client) {
        try {
            client.shutdown();
            client.getResources().shutdown();
        } catch (RuntimeException failed) {
            LOG.log(Level.WARNING, "shutting a Redis client of an event loop down failed: {0}",
                    failed.toString());
        }
    }
}
