package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.AbstractRedisClient;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.context.event.BeanPreDestroyEvent;
import io.micronaut.context.event.BeanPreDestroyEventListener;
import io.micronaut.runtime.server.EmbeddedServer;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.tokenbroker.adapters.redis.RedisAdapters;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.application.port.out.TokenStore.Source;
import io.tokenbroker.application.testing.ForwardingTokenStore;
import io.tokenbroker.bootstrap.LocalRedis;
import io.tokenbroker.bootstrap.TestKeyRing;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.domain.connection.ConnectionKey;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisShardedCluster;

/**
 * Lettuce runs on the HTTP server's event loops (issue 17): a Redis hit is read and answered on a loop of the
 * server's own group, the process holds no thread Lettuce made, no blocking Redis call is made on a loop on the
 * way, and the client closes before the server's loops are shut down. Each loop reads over a connection of its own,
 * so a hit is answered on the very loop its request came in on, whichever loop that is: no hand-off to another loop
 * and back. Standalone and Cluster alike.
 */
class RedisOnServerEventLoopsTest {

    private static final String RECORD = "test.server-event-loops.record";

    @Test
    void aRedisHitCompletesOnAServerEventLoopAndLettuceOwnsNoThread() throws IOException {
        long before = newestThreadId();
        try (LocalRedis redis = LocalRedis.start()) {
            closedBeforeTheLoops(twentyRedisHits(Map.of("redis.uri", redis.uri()), before));
        }
    }

    @Test
    void aClusterHitCompletesOnAServerEventLoopToo() throws IOException {
        RedisShardedCluster cluster = RedisShardedCluster.newRedisCluster()
                .shard("a", 0).shard("b", 0).shard("c", 0).ephemeral()
                .initializationTimeout(Duration.ofSeconds(30)).build();
        try {
            cluster.start();
            RedisClusterWiringTest.awaitClusterOk(cluster.serverPorts());
            long before = newestThreadId();
            String uris = cluster.serverPorts().stream().map(port -> "redis://127.0.0.1:" + port)
                    .collect(Collectors.joining(","));
            closedBeforeTheLoops(twentyRedisHits(Map.of("redis.uris", uris), before));
        } finally {
            cluster.stop();
        }
    }

    /**
     * A miss, twenty hits read from Redis (near cache off) by callers on eight connections of their own (which the
     * server spreads over its loops), an invalidation, health and a scrape.
     */
    private static Loops twentyRedisHits(Map<String, Object> redis, long threadsBefore) throws IOException {
        Map<String, Object> properties = new HashMap<>(Map.of("micronaut.server.port", -1,
                "tokenbroker.redis.near-cache-size", 0, TestKeyRing.PROPERTY, TestKeyRing.KEYS, RECORD, true));
        properties.putAll(redis);
        Loops loops;
        try (SandboxUpstream upstream = SandboxUpstream.start(0, "loop-client", "loop-secret", Duration.ofSeconds(600));
             EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties)) {
            BrokerClient admin = new BrokerClient(server.getURI());
            assertEquals(201, admin.put("/v1/tenants/acme/connections/loop", "{\"provider\":\"oauth2\",\"token_url\":\""
                    + upstream.tokenUrl() + "\",\"client_id\":\"loop-client\",\"client_secret\":\"loop-secret\"}")
                    .statusCode());
            assertEquals(200, admin.get("/v1/tenants/acme/connections/loop/token").statusCode());
            loops = server.getApplicationContext().getBean(Loops.class);
            loops.completions.clear();

            List<BrokerClient> callers = IntStream.range(0, 8).mapToObj(i -> new BrokerClient(server.getURI()))
                    .toList();
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> hit = callers.get(i % callers.size())
                        .get("/v1/tenants/acme/connections/loop/token");
                assertEquals(200, hit.statusCode(), hit.body());
            }
            assertEquals(204, admin.post("/v1/tenants/acme/connections/loop/token/invalidate", null).statusCode());
            assertEquals(200, admin.get("/v1/tenants/acme/connections/loop/token").statusCode());
            assertEquals(200, admin.get("/health").statusCode());
            assertEquals(200, new BrokerClient(server.getURI(), null).get("/prometheus").statusCode());

            assertEquals(1 + 1, upstream.tokenRequests(), "one miss before the hits, one after the invalidation");
            assertEquals(20, loops.completions.size(), "every hit was read from Redis without blocking");
            assertEquals(List.of(true), loops.completions.stream().distinct().toList(),
                    "each Redis read completed on one of the server's event loops");
            assertEquals(List.of(true), loops.answeredWhereAsked.stream().distinct().toList(),
                    "each Redis read completed on the loop its request came in on");
            assertTrue(loops.askers.size() >= 2, "the hits came in on several loops: " + loops.askers);
            assertEquals(List.of(), lettuceThreadsSince(threadsBefore));
            assertEquals(0, server.getApplicationContext().getBean(RedisAdapters.class)
                    .blockingCallsRefusedOnEventLoops(), "no blocking Redis call was made on an event loop");
        }
        return loops;
    }

    private static void closedBeforeTheLoops(Loops loops) {
        assertFalse(loops.shuttingDownWhenRedisClosed.isEmpty(), "the Redis client was closed with the context");
        assertEquals(List.of(false), loops.shuttingDownWhenRedisClosed.stream().distinct().toList(),
                "the server's loops were still running when the Redis client closed");
    }

    private static long newestThreadId() {
        return Thread.getAllStackTraces().keySet().stream().mapToLong(Thread::getId).max().orElse(0);
    }

    /** Thread ids only grow, so threads other tests' own Lettuce clients left behind are not counted. */
    private static List<String> lettuceThreadsSince(long newestBefore) {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getId() > newestBefore)
                .map(Thread::getName).filter(name -> name.startsWith("lettuce")).sorted().toList();
    }

    /**
     * Wraps the token store: whether each Redis read completed on a loop of the server's group; and whether that
     * group was already shutting down when the Redis client was about to close.
     */
    @Singleton
    @Requires(property = RECORD, value = "true")
    static final class Loops implements BeanCreatedEventListener<TokenStore>,
            BeanPreDestroyEventListener<AbstractRedisClient> {
        final List<Boolean> completions = new CopyOnWriteArrayList<>();
        final List<Boolean> answeredWhereAsked = new CopyOnWriteArrayList<>();
        final Set<String> askers = ConcurrentHashMap.newKeySet();
        final List<Boolean> shuttingDownWhenRedisClosed = new CopyOnWriteArrayList<>();
        private final BeanProvider<EventLoopGroup> server;

        Loops(BeanProvider<EventLoopGroup> server) {
            this.server = server;
        }

        @Override
        public TokenStore onCreated(BeanCreatedEvent<TokenStore> event) {
            TokenStore store = event.getBean();
            return new ForwardingTokenStore(store) {
                @Override
                public CompletionStage<Optional<Found>> lookupWithoutBlocking(ConnectionKey key) {
                    Thread asking = Thread.currentThread();
                    return store.lookupWithoutBlocking(key).thenApply(found -> {
                        found.filter(hit -> hit.source() == Source.STORE).ifPresent(hit -> {
                            completions.add(onServerLoop());
                            answeredWhereAsked.add(Thread.currentThread() == asking);
                            askers.add(asking.getName());
                        });
                        return found;
                    });
                }
            };
        }

        @Override
        public AbstractRedisClient onPreDestroy(BeanPreDestroyEvent<AbstractRedisClient> event) {
            shuttingDownWhenRedisClosed.add(server.get().isShuttingDown());
            return event.getBean();
        }

        private boolean onServerLoop() {
            return StreamSupport.stream(server.get().spliterator(), false).anyMatch(EventExecutor::inEventLoop);
        }
    }
}
