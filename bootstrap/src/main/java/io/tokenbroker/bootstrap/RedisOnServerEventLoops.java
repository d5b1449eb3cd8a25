package io.tokenbroker.bootstrap;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.lettuce.core.resource.Transports;
import io.micronaut.configuration.lettuce.AbstractRedisConfiguration;
import io.micronaut.configuration.lettuce.ClientResourcesMutator;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.netty.channel.EventLoopGroupConfiguration;
import io.micronaut.http.netty.channel.EventLoopGroupFactory;
import io.micronaut.http.netty.channel.EventLoopGroupRegistry;
import io.micronaut.http.netty.channel.NettyChannelType;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lettuce on the HTTP server's event loops (Micronaut's {@code default} group) instead of threads of its own: a
 * command written from a request's event loop goes out on the connection's loop, and the reply completes the
 * request there, with no hand-over to a Lettuce thread and back (issue 17: a Redis hit crossed threads twice). Its
 * timer and executor are the same loops, so Lettuce owns no thread at all.
 *
 * <p>micronaut-redis-lettuce applies every {@link ClientResourcesMutator} bean to the resources it builds its
 * {@code RedisClient} or {@code RedisClusterClient} with, so both modes get this. What it asks of the rest of the
 * broker: no synchronous Redis call on an event loop, where it would wait for a reply that same loop has to read
 * ({@code RedisCalls} refuses such calls). Shut down in order: the clients close in the context's shutdown, before
 * the server's event-loop registry that depends on nothing of theirs; releasing the loops here does nothing.
 * Off with {@code tokenbroker.redis.server-event-loops=false}; also off, with a log line, when Lettuce and the server
 * would use different transports (Lettuce picks epoll or io_uring whenever they are on the classpath, Micronaut
 * only when configured to), since a channel cannot register with another transport's loop.
 *
 * <p>{@link #oneLoopEach} derives from such a client's resources one set per loop that holds only that loop, for the
 * read connection each loop gets of its own: with one connection for all loops, a request on another loop than the
 * connection's handed its command over and its reply back.
 */
@Singleton
@Requires(property = RedisOnServerEventLoops.ENABLED, notEquals = "false")
final class RedisOnServerEventLoops implements ClientResourcesMutator {

    static final String ENABLED = "tokenbroker.redis.server-event-loops";
    private static final Logger LOG = LoggerFactory.getLogger(RedisOnServerEventLoops.class);

    private final EventLoopGroupRegistry loops;
    private final EventLoopGroupFactory transports;

    RedisOnServerEventLoops(EventLoopGroupRegistry loops, EventLoopGroupFactory transports) {
        this.loops = loops;
        this.transports = transports;
    }

    @Override
    public void mutate(ClientResources.Builder builder, AbstractRedisConfiguration config) {
        EventLoopGroupConfiguration server = loops.getEventLoopGroupConfiguration(EventLoopGroupConfiguration.DEFAULT)
                .orElse(null);
        Class<? extends Channel> serverChannel = transports.channelClass(NettyChannelType.CLIENT_SOCKET, server);
        Class<? extends Channel> lettuceChannel = Transports.socketChannelClass();
        if (!serverChannel.equals(lettuceChannel)) {
            LOG.info("Redis keeps event loops of its own: Lettuce uses {}, the server's loops {}",
                    lettuceChannel.getSimpleName(), serverChannel.getSimpleName());
            return;
        }
        EventLoopGroup group = loops.getDefaultEventLoopGroup();
        builder.eventLoopGroupProvider(new Shared(group)).eventExecutorGroup(group)
                .timer(new RedisEventLoopTimer(group));
    }

    /**
     * One client per loop of the server's group, each made by {@code client} from resources like {@code resources}
     * that hold only that loop, so all its connections, reconnects included, live there; empty when {@code resources}
     * are not on the server's loops (switched off, or another transport).
     */
    static <C> Map<EventExecutor, C> oneLoopEach(ClientResources resources, Function<ClientResources, C> client) {
        Map<EventExecutor, C> clients = new LinkedHashMap<>();
        if (resources.eventLoopGroupProvider() instanceof Shared shared) {
            for (EventExecutor loop : shared.group) {
                // The loops of a Netty group are EventLoops; one is a group of one, and a channel registers on it.
                clients.put(loop, client.apply(resources.mutate().eventLoopGroupProvider(new Shared((EventLoop) loop))
                        .build()));
            }
        }
        return clients;
    }

    /** Hands Lettuce the server's group, whichever transport class it asks for (checked above), and never ends it. */
    private static final class Shared implements EventLoopGroupProvider {

        private final EventLoopGroup group;

        private Shared(EventLoopGroup group) {
            this.group = Objects.requireNonNull(group, "group");
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T extends EventLoopGroup> T allocate(Class<T> type) {
            // Lettuce names NioEventLoopGroup; Netty 4.2's loops are MultiThreadIoEventLoopGroups with the same
            // NIO handler, which is what the check on the channel classes established. Lettuce never casts it.
            return (T) group;
        }

        @Override
        public int threadPoolSize() {
            return (int) StreamSupport.stream(group.spliterator(), false).count();
        }

        @Override
        public Future<Boolean> release(EventExecutorGroup eventLoopGroup, long quietPeriod, long timeout,
                                       TimeUnit unit) {
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
        }

        @Override
        public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit timeUnit) {
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
        }
    }
}
