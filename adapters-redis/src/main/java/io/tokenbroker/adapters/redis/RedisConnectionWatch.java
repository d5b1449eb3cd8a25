package io.tokenbroker.adapters.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * Tells {@link RedisOutage} of a connection lost or back. A hit may make no Redis call at all (near cache, leased
 * rate limits), so a lost connection is the only sign of an outage that operators would otherwise learn of on the
 * next miss.
 */
final class RedisConnectionWatch implements RedisConnectionStateListener {

    private final RedisOutage outage;
    private final RedisCalls calls;
    private volatile boolean closing;

    RedisConnectionWatch(RedisOutage outage, RedisCalls calls) {
        this.outage = Objects.requireNonNull(outage, "outage");
        this.calls = Objects.requireNonNull(calls, "calls");
    }

    /** From now on a connection that drops is being closed on purpose, not lost. */
    void closing() {
        closing = true;
    }

    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
        // The pub/sub connection can be back before the command connection: marked up then, the next call
        // is rejected and counted as a second outage. Its reconnect only lets the next call probe.
        if (!isPubSub(connection)) {
            outage.sharedUp();
        }
        calls.probeNow();
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        if (!closing) {
            outage.lost("connection closed by " + connection.getClass().getSimpleName(), !isPubSub(connection));
        }
    }

    private static boolean isPubSub(RedisChannelHandler<?, ?> connection) {
        return connection instanceof StatefulRedisPubSubConnection<?, ?>;
    }
}
