package io.tokenbroker.adapters.redis;

import static io.tokenbroker.application.testing.TokenTestData.aToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.port.out.TokenStore.Found;
import io.tokenbroker.application.port.out.TokenStore.Source;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A read started on an event loop goes over that loop's own connection (issue 17): it is answered on the loop that
 * asked, never handed to another thread and back; a connection Redis drops comes back on its loop; and with Redis
 * unreachable such a read is a miss, as over the shared connection.
 */
class RedisLoopConnectionsTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final Clock CLOCK = Clock.systemUTC();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final List<EventExecutor> loops = StreamSupport.stream(group.spliterator(), false).toList();
    private final Map<EventExecutor, RedisClient> loopClients = new LinkedHashMap<>();
    private EmbeddedRedis redis;
    private RedisFixture fixture;
    private RedisClient client;
    private RedisAdapters adapters;

    @BeforeEach
    void connect() {
        redis = EmbeddedRedis.start();
        fixture = new RedisFixture(redis);
        for (EventExecutor loop : loops) {
            loopClients.put(loop, RedisClient.create(DefaultClientResources.builder()
                    .eventLoopGroupProvider(new OneLoop((EventLoopGroup) loop)).build(), redis.uri()));
        }
        client = fixture.client();
        adapters = RedisAdapters.connect(client, loopClients, new RedisAdapters.Settings("tb",
                        RedisFixture.COMMAND_TIMEOUT, 0, Duration.ofSeconds(1)), RedisFixture.SEALS, CLOCK, "test",
                new InMemoryLockManager(), new ClockFencedLeases(CLOCK));
    }

    /** The adapters (and with them the loops' clients) close before the loops they run on, Redis last. */
    @AfterEach
    void close() throws Exception {
        adapters.close();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        fixture.close();
        redis.close();
    }

    @Test
    void aReadStartedOnALoopIsAnsweredOnThatLoop() {
        AccessToken token = aToken("tok-on-the-loop", CLOCK, Duration.ofHours(1));
        assertTrue(adapters.sharedTokenStore().put(KEY, token, Duration.ofMinutes(5), 1));

        for (EventExecutor loop : loops) {
            Answer answer = readOn(loop);
            assertEquals(Optional.of(new Found(token, Source.STORE)), answer.found());
            assertTrue(loop.inEventLoop(answer.thread()), "answered on " + answer.thread().getName()
                    + ", not on the loop that asked");
        }
        assertEquals(2, loops.size());
    }

    @Test
    void aConnectionRedisDropsComesBackOnItsLoop() throws InterruptedException {
        AccessToken token = aToken("tok-after-reconnect", CLOCK, Duration.ofHours(1));
        assertTrue(adapters.sharedTokenStore().put(KEY, token, Duration.ofMinutes(5), 1));
        CountDownLatch reconnected = new CountDownLatch(loops.size());
        RedisConnectionStateListener counting = new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                reconnected.countDown();
            }
        };
        loopClients.values().forEach(loopClient -> loopClient.addListener(counting));

        // Every command connection (not the pub/sub one, nor the one asking): the shared one and one per loop.
        long killed = fixture.raw().sync().clientKill(KillArgs.Builder.typeNormal());
        assertTrue(killed >= 1 + loops.size(), "killed " + killed);
        assertTrue(reconnected.await(30, TimeUnit.SECONDS), "each loop's connection came back");

        for (EventExecutor loop : loops) {
            Answer answer = readOn(loop);
            assertEquals(Optional.of(new Found(token, Source.STORE)), answer.found());
            assertTrue(loop.inEventLoop(answer.thread()), "after the reconnect, answered on "
                    + answer.thread().getName() + ", not on the loop that asked");
        }
    }

    @Test
    void aReadOnALoopWhileRedisIsUnreachableIsAMiss() {
        assertTrue(adapters.sharedTokenStore().put(KEY, aToken("tok-unreachable", CLOCK, Duration.ofHours(1)),
                Duration.ofMinutes(5), 1));
        redis.stopServer();
        try {
            for (EventExecutor loop : loops) {
                assertEquals(Optional.empty(), readOn(loop).found());
            }
            assertTrue(adapters.outage().isDown());
        } finally {
            redis.startServer();
        }
    }

    /** What a read started on {@code loop} found, and the thread that completed it. */
    private Answer readOn(EventExecutor loop) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        loop.execute(() -> adapters.sharedTokenStore().lookupWithoutBlocking(KEY).whenComplete((found, failed) -> {
            if (failed != null) {
                answer.completeExceptionally(failed);
            } else {
                answer.complete(new Answer(found, Thread.currentThread()));
            }
        }));
        return answer.join();
    }

    private record Answer(Optional<Found> found, Thread thread) {
    }

    /** Lettuce's I/O on one loop of the test's group, which the group's owner shuts down, not Lettuce. */
    private record OneLoop(EventLoopGroup loop) implements EventLoopGroupProvider {

        @Override
        @SuppressWarnings("unchecked")
        public <T extends EventLoopGroup> T allocate(Class<T> type) {
            return (T) loop;
        }

        @Override
        public int threadPoolSize() {
            return 1;
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
