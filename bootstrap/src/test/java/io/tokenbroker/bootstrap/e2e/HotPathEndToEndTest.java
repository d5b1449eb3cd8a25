package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.runtime.server.EmbeddedServer;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's mechanisms in the production shape (Redis, API keys, rate limits on): once a token is in this instance's
 * near cache, a request for it is answered on the Netty event loop that received it and never reads Redis; with the
 * near cache off, a hit in Redis is read through Lettuce's asynchronous API, and no thread blocks on it.
 */
class HotPathEndToEndTest {

    private static final String RECORD = "test.hot-path.record";

    @Test
    void aNearCacheHitIsAnsweredOnTheEventLoopWithoutReadingRedis() throws IOException {
        Recorder recorder = twentyHits(Map.of());
        assertEquals(List.of(Source.NEAR_CACHE), recorder.sources.stream().distinct().toList());
        assertEquals(20, recorder.threads.size());
        assertTrue(recorder.threads.stream().allMatch(name -> name.toLowerCase(Locale.ROOT).contains("eventloop")),
                recorder.threads::toString);
    }

    @Test
    void aRedisHitWaitsOnNoThread() throws IOException {
        Recorder recorder = twentyHits(Map.of("tokenbroker.redis.near-cache-size", 0));
        assertEquals(List.of(Source.STORE), recorder.sources.stream().distinct().toList(),
                "every hit read Redis, through Lettuce's asynchronous API");
    }

    /** Twenty hits of a warm token on a broker over a real Redis; the recorder saw them, the upstream one call. */
    private static Recorder twentyHits(Map<String, Object> extra) throws IOException {
        try (LocalRedis redis = LocalRedis.start();
             SandboxUpstream upstream = SandboxUpstream.start(0, "hot-client", "hot-secret", Duration.ofSeconds(600));
             EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties(redis, extra))) {
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

            assertEquals(0, recorder.blockingReads.get(), "no hit went to a blocking read");
            assertEquals(20, recorder.sources.size());
            assertEquals(1, upstream.tokenRequests());
            return recorder;
        }
    }

    private static Map<String, Object> properties(LocalRedis redis, Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(Map.of("micronaut.server.port", -1, "redis.uri", redis.uri(),
                TestKeyRing.PROPERTY, TestKeyRing.KEYS, RECORD, true));
        properties.putAll(extra);
        return properties;
    }

    private static String token(String body) {
        return body.replaceAll(".*\"access_token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }

    /** Wraps the token store the service uses: where each non-blocking read was answered, and on which thread. */
    @Singleton
    @Requires(property = RECORD, value = "true")
    static final class Recorder implements BeanCreatedEventListener<TokenStore> {
        final AtomicInteger blockingReads = new AtomicInteger();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final List<Source> sources = new CopyOnWriteArrayList<>();

        void clear() {
            blockingReads.set(0);
            threads.clear();
            sources.clear();
        }

        @Override
        public TokenStore onCreated(BeanCreatedEvent<TokenStore> event) {
            TokenStore store = event.getBean();
            return new ForwardingTokenStore(store) {
                @Override
                public CompletionStage<Optional<Found>> lookupWithoutBlocking(ConnectionKey key) {
                    String asking = Thread.currentThread().getName();
                    return store.lookupWithoutBlocking(key).thenApply(found -> {
                        found.ifPresent(hit -> {
                            threads.add(asking);
                            sources.add(hit.source());
                        });
                        return found;
                    });
                }

                @Override
                public Optional<Found> lookup(ConnectionKey key) {
                    blockingReads.incrementAndGet();
                    return store.lookup(key);
                }
            };
        }
    }
}
