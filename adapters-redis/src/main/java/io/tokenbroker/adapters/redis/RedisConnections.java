package io.tokenbroker.adapters.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The connections one instance holds to Redis, the same whether it is standalone (or Sentinel) or a Cluster: one
 * command connection, the event loops' own read connections ({@link RedisLoopConnections}) and the pub/sub
 * connection, opened once on demand. What differs between the two kinds of client is only how each is opened.
 *
 * <p>Commands are rejected at once while disconnected, instead of queued and run after the reconnect: a lease
 * taken by a command whose caller gave up long ago would block every instance for a whole ttl.
 */
final class RedisConnections implements AutoCloseable {

    private static final ClientOptions OPTIONS = ClientOptions.builder().autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build();
    private static final ClusterClientOptions CLUSTER_OPTIONS = ClusterClientOptions.builder().autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build();

    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> commands;
    private final RedisClusterAsyncCommands<String, String> async;
    private final RedisLoopConnections loops;
    private final Supplier<StatefulRedisPubSubConnection<String, String>> pubSub;

    /**
     * Connects a standalone (or Sentinel) client, and each loop's client of {@code onLoops}; fails when Redis cannot
     * be reached now, leaving nothing open (the loops' clients, which are handed over, shut down).
     */
    static RedisConnections standalone(RedisClient client, Map<? extends EventExecutor, RedisClient> onLoops) {
        client.setOptions(OPTIONS);
        StatefulRedisConnection<String, String> commands = RedisLoopConnections.orShutDown(onLoops, client::connect);
        return new RedisConnections(client, commands, commands.async(),
                () -> RedisLoopConnections.standalone(onLoops, OPTIONS), client::connectPubSub);
    }

    /** As {@link #standalone}, for a Redis Cluster. */
    static RedisConnections cluster(RedisClusterClient client,
                                    Map<? extends EventExecutor, RedisClusterClient> onLoops) {
        client.setOptions(CLUSTER_OPTIONS);
        StatefulRedisClusterConnection<String, String> commands = RedisLoopConnections.orShutDown(onLoops,
                client::connect);
        return new RedisConnections(client, commands, commands.async(),
                () -> RedisLoopConnections.cluster(onLoops, CLUSTER_OPTIONS), client::connectPubSub);
    }

    private RedisConnections(AbstractRedisClient client, StatefulConnection<String, String> commands,
                             RedisClusterAsyncCommands<String, String> async, Supplier<RedisLoopConnections> loops,
                             Supplier<StatefulRedisPubSubConnection<String, String>> pubSub) {
        this.client = client;
        this.commands = commands;
        this.async = async;
        this.pubSub = pubSub;
        try {
            this.loops = loops.get();
        } catch (RuntimeException failed) {
            commands.close();
            throw failed;
        }
    }

    /** The command connection's asynchronous API. */
    RedisClusterAsyncCommands<String, String> commands() {
        return async;
    }

    RedisLoopConnections loops() {
        return loops;
    }

    /** Opens the pub/sub connection; the caller closes these connections if that fails. */
    StatefulRedisPubSubConnection<String, String> connectPubSub() {
        return pubSub.get();
    }

    /** Told when any connection of the client drops or comes back. */
    void addListener(RedisConnectionStateListener listener) {
        client.addListener(listener);
    }

    /** Closes the loops' connections (and shuts their clients down), then the command connection; not the client. */
    @Override
    public void close() {
        loops.close();
        commands.close();
    }
}
