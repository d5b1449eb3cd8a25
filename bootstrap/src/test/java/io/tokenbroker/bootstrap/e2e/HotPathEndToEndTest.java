package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.application.testing.ForwardingTokenStore;
import io.tokenbroker.bootstrap.TestKeyRing;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.domain.connection.ConnectionKey;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * Issue 17's mechanism in the production shape (Redis, API keys, rate limits on): once a token is in this instance's
 * near cache, a request for it is answered on the Netty event loop that received it and never reads Redis.
 */
class HotPathEndToEndTest {

    private static final String RECORD = "test.hot-path.record";

    @Test
    void aHitIsAnsweredOnTheEventLoopWithoutReadingRedis() throws IOException {
        int redisPort;
        try (ServerSocket free = new ServerSocket(0)) {
            redisPort = free.getLocalPort();
        }
        RedisServer redis = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build();
        redis.start();
        try (SandboxUpstream upstream = SandboxUpstream.start(0, "hot-client", "hot-secret", Duration.ofSeconds(600));
             EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                     "micronaut.server.port", -1, "redis.uri", "redis://127.0.0.1:" + redisPort,
                     TestKeyRing.PROPERTY, TestKeyRing.KEYS, RECORD, true))) {
            BrokerClient admin = new BrokerClient(server.getURI());
            admin.put("/v1/tenants/acme/connections/hot", "{\"provider\":\"oauth2\",\"token_url\":\""
                    + upstream.tokenUrl() + "\",\"client_id\":\"hot-client\",\"client_secret\":\"hot-secret\"}");
            String first = admin.get("/v1/tenants/acme/connections/hot/token").body();
            Recorder recorder = server.getApplicationContext().getBean(Recorder.class);
            recorder.clear();

            for (int i = 0; i < 20; i++) {
                HttpResponse<String> hit = admin.get("/v1/tenants/acme/connections/hot/token");
                assertEquals(200, hit.statusCode(), hit.body());
                assertEquals(token(first), token(hit.body()));
            }

            assertEquals(0, recorder.reads.get(), "no hit read the store behind the near cache");
            assertEquals(20, recorder.threads.size());
            assertTrue(recorder.threads.stream().allMatch(name -> name.toLowerCase(Locale.ROOT).contains("eventloop")), recorder.threads::toString);
            assertEquals(1, upstream.tokenRequests());
        } finally {
            redis.stop();
        }
    }

    private static String token(String body) {
        return body.replaceAll(".*\"access_token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }

    /** Wraps the token store the service uses: which thread asked memory, and how often a read went further. */
    @Singleton
    @Requires(property = RECORD, value = "true")
    static final class Recorder implements BeanCreatedEventListener<TokenStore> {
        final AtomicInteger reads = new AtomicInteger();
        final List<String> threads = new CopyOnWriteArrayList<>();

        void clear() {
            reads.set(0);
            threads.clear();
        }

        @Override
        public TokenStore onCreated(BeanCreatedEvent<TokenStore> event) {
            TokenStore store = event.getBean();
            return new ForwardingTokenStore(store) {
                @Override
                public Optional<Found> lookupInMemory(ConnectionKey key) {
                    threads.add(Thread.currentThread().getName());
                    return store.lookupInMemory(key);
                }

                @Override
                public Optional<Found> lookup(ConnectionKey key) {
                    reads.incrementAndGet();
                    return store.lookup(key);
                }
            };
        }
    }
}
