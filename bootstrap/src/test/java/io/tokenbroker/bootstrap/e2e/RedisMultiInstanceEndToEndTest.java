package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tokenbroker.adapters.redis.RedisAdapters;
import io.tokenbroker.adapters.redis.RedisEvents;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.bootstrap.LocalRedis;
import io.tokenbroker.bootstrap.TestKeyRing;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.domain.token.AccessToken.Fingerprint;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three broker instances (three application contexts, each with its own HTTP server and in-memory connections)
 * over one real Redis and one real, slow HTTP upstream: what production looks like, in one JVM. Waits are for
 * events (a latch on an instance's pub/sub listener, Lettuce's reconnect), never for a span of time.
 */
class RedisMultiInstanceEndToEndTest {

    private static final String CLIENT_ID = "multi-client";
    private static final String CLIENT_SECRET = "multi-secret-never-echoed";
    private static final int INSTANCES = 3;
    private static final String LEASE_TTL = "2500ms";

    private LocalRedis redis;
    private SandboxUpstream upstream;
    private final List<EmbeddedServer> servers = new ArrayList<>();
    private final List<BrokerClient> brokers = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        redis = LocalRedis.start();
        upstream = SandboxUpstream.start(0, CLIENT_ID, CLIENT_SECRET, Duration.ofSeconds(600));
        for (int i = 0; i < INSTANCES; i++) {
            EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                    "micronaut.server.port", -1,
                    "redis.uri", redis.uri(),
                    TestKeyRing.PROPERTY, TestKeyRing.KEYS,
                    // Generous: on a loaded machine a short one fails open, and instances then fetch on their own.
                    // Stopping Redis still fails at once (Lettuce rejects commands while disconnected).
                    "tokenbroker.redis.command-timeout", "5s",
                    // Short, so a holder that stops renewing loses its lease within a test; the watchdog renews
                    // it for holders that live, through the 2 s upstream as well.
                    "tokenbroker.lease.ttl", LEASE_TTL,
                    // The load tests loop as fast as the machine answers: on a fast one, 6 callers over ~5 s
                    // passed the default 120,000 per address and minute, and got 429s.
                    "tokenbroker.rate-limit.per-address", "100000000",
                    "tokenbroker.rate-limit.per-key", "100000000"));
            servers.add(server);
            brokers.add(new BrokerClient(server.getURI()));
        }
    }

    @AfterEach
    void stop() throws IOException {
        // The contexts first: stopping Redis under live connections only makes Lettuce log reconnect attempts.
        servers.forEach(EmbeddedServer::close);
        upstream.close();
        redis.stop();
    }

    @Test
    void theInstancesUseTheRedisAdapters() {
        ApplicationContext context = servers.get(0).getApplicationContext();
        RedisAdapters redisAdapters = context.getBean(RedisAdapters.class);
        assertEquals(redisAdapters.tokenStore(), context.getBean(TokenStore.class));
        assertEquals(redisAdapters.lockManager(), context.getBean(LockManager.class));
    }

    @Test
    void closingAnInstanceReleasesItsLettuceThreads() {
        RedisClient client = redisClient(0);

        servers.remove(0).close();
        brokers.remove(0);

        assertTrue(client.getResources().eventExecutorGroup().isShuttingDown());
    }

    @Test
    void threeHundredColdRequestsOverThreeInstancesCauseOneUpstreamCall() throws Exception {
        registerEverywhere("cold");
        // Slower than any reasonable spread of arrivals: every request arrives while the one refresh is in flight.
        upstream.setResponseDelay(Duration.ofSeconds(2));

        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            calls.add(brokers.get(i % INSTANCES).getAsync("/v1/tenants/acme/connections/cold/token"));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        Set<Object> tokens = calls.stream().map(CompletableFuture::join).map(response -> {
            assertEquals(200, response.statusCode(), response.body());
            return body(response).get("access_token");
        }).collect(Collectors.toSet());
        assertEquals(1, tokens.size(), "every caller got the same token");
        assertEquals(1, upstream.tokenRequests());
    }

    @Test
    void underContinuousLoadEachExpiryCausesOneUpstreamCall() throws Exception {
        // 4 s tokens: the buffer shrinks to half the lifetime, so each is served for 2 s and then replaced.
        Duration lifetime = Duration.ofSeconds(4);
        Duration servedFor = lifetime.dividedBy(2);
        try (SandboxUpstream shortLived = SandboxUpstream.start(0, CLIENT_ID, CLIENT_SECRET, lifetime)) {
            shortLived.setResponseDelay(Duration.ofMillis(200));
            registerEverywhere("busy", shortLived.tokenUrl().toString());
            Map<String, Instant> expiryOfToken = new ConcurrentHashMap<>();
            List<String> failures = new CopyOnWriteArrayList<>();
            List<CompletableFuture<Void>> load = new ArrayList<>();
            for (int worker = 0; worker < 2 * INSTANCES; worker++) {
                BrokerClient broker = brokers.get(worker % INSTANCES);
                load.add(CompletableFuture.runAsync(() -> {
                    // Until the third token has been fetched: two expiries under load, however long they take.
                    while (shortLived.tokenRequests() < 3) {
                        HttpResponse<String> response = broker.get("/v1/tenants/acme/connections/busy/token");
                        if (response.statusCode() != 200) {
                            failures.add(response.statusCode() + " " + response.body());
                            continue;
                        }
                        Map<String, Object> token = body(response);
                        expiryOfToken.put((String) token.get("access_token"),
                                Instant.parse((String) token.get("expires_at")));
                    }
                }));
            }
            CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            assertEquals(List.of(), failures);
            // Every upstream call produced a token that was served: none was wasted on a duplicate refresh...
            assertEquals(shortLived.tokenRequests(), expiryOfToken.size(), "tokens served " + expiryOfToken);
            // ...and each was fetched only once its predecessor could no longer be served.
            List<Instant> expiries = expiryOfToken.values().stream().sorted().toList();
            for (int i = 1; i < expiries.size(); i++) {
                Duration gap = Duration.between(expiries.get(i - 1), expiries.get(i));
                assertTrue(gap.compareTo(servedFor) >= 0, "token " + i + " fetched " + gap + " after the previous");
            }
        }
    }

    @Test
    void aTokenInvalidatedOnOneInstanceIsNoLongerServedByAnother() throws Exception {
        registerEverywhere("crm");
        String token = token(0, "crm");
        assertEquals(token, token(1, "crm"), "b serves the shared token");
        assertEquals(token, token(1, "crm"), "now from b's near cache");
        CountDownLatch heardOnB = new CountDownLatch(1);
        events(1).addListener(event -> {
            if (event.type() == RedisEvents.Type.INVALIDATED) {
                heardOnB.countDown();
            }
        });

        assertEquals(204, brokers.get(0).post("/v1/tenants/acme/connections/crm/token/invalidate",
                "{\"access_token\":\"" + token + "\"}").statusCode());

        assertTrue(heardOnB.await(20, TimeUnit.SECONDS), "b never heard of the invalidation");
        String fresh = token(1, "crm");
        assertNotEquals(token, fresh);
        assertEquals(fresh, token(0, "crm"), "a serves b's fresh token");
        assertEquals(2, upstream.tokenRequests());
    }

    @Test
    void requestsKeepSucceedingWhileRedisIsDownAndRedisIsUsedAgainOnceBack() throws Exception {
        registerEverywhere("steady");
        registerEverywhere("during");
        registerEverywhere("after");
        String steady = token(0, "steady");
        for (int i = 1; i < INSTANCES; i++) {
            assertEquals(steady, token(i, "steady"), "instance " + i + " keeps it near");
        }
        AtomicBoolean flowing = new AtomicBoolean(true);
        AtomicBoolean redisBack = new AtomicBoolean();
        AtomicInteger served = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        CompletableFuture<Void> flow = CompletableFuture.runAsync(() -> {
            for (int i = 0; flowing.get() || i < 30; i++) {
                HttpResponse<String> response = brokers.get(i % INSTANCES)
                        .get("/v1/tenants/acme/connections/steady/token");
                // Once Redis is back (empty), near caches start over and one instance fetches a new token.
                boolean sameToken = redisBack.get() || steady.equals(body(response).get("access_token"));
                if (response.statusCode() != 200 || !sameToken) {
                    synchronized (failures) {
                        failures.add(response.statusCode() + " " + response.body());
                    }
                }
                served.incrementAndGet();
            }
        });
        CountDownLatch reconnected = new CountDownLatch(2); // commands and pub/sub of instance 0
        redisClient(0).addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
                reconnected.countDown();
            }
        });

        redis.stop();
        String during = token(0, "during");
        assertEquals(during, token(0, "during"), "a direct fetch is kept near while Redis is down");
        CountDownLatch resubscribed = new CountDownLatch(1);
        events(0).addResubscribeListener(resubscribed::countDown);
        redisBack.set(true);
        redis.restart();
        assertTrue(reconnected.await(60, TimeUnit.SECONDS), "instance 0 never reconnected");
        assertTrue(resubscribed.await(60, TimeUnit.SECONDS), "instance 0 never subscribed again");
        String after = token(0, "after");
        flowing.set(false);
        flow.get(60, TimeUnit.SECONDS);

        assertEquals(List.of(), failures, "failed requests for a near-cached token");
        assertTrue(served.get() >= 30);
        assertNotNull(during);
        try (RedisClient client = RedisClient.create(redis.uri());
             StatefulRedisConnection<String, String> connection = client.connect()) {
            assertEquals(Map.of(), connection.sync().hgetall("tb:{acme:during}:token"),
                    "fetched while Redis was down: never reached Redis");
            // The value is sealed (issue 20); its fingerprint names it.
            assertEquals(Fingerprint.of(after).hex(), connection.sync().hget("tb:{acme:after}:token", "f"),
                    "back in Redis");
        }
        assertEquals(1, servers.get(0).getApplicationContext().getBean(RedisAdapters.class).outage().outages());
    }

    @Test
    void aHolderThatStallsMidRefreshLosesItsLeaseAndItsLateWriteIsRefused() throws Exception {
        try (GatedUpstream gated = new GatedUpstream()) {
            registerEverywhere("stall", gated.tokenUrl().toString());
            CompletableFuture<HttpResponse<String>> stalled =
                    brokers.get(0).getAsync("/v1/tenants/acme/connections/stall/token");
            gated.awaitFirstRequest();
            // As in a long GC pause: instance 0 stops renewing the lease it holds while its upstream call hangs.
            ((AutoCloseable) servers.get(0).getApplicationContext().getBean(LockManager.class)).close();

            String taken = token(1, "stall");
            assertEquals("gate-2", taken, "instance 1 refreshed once the stalled lease expired");

            gated.openGate();
            HttpResponse<String> late = stalled.get(30, TimeUnit.SECONDS);
            assertEquals(200, late.statusCode(), late.body());
            assertEquals("gate-1", body(late).get("access_token"), "the stalled caller still gets a valid token");
            assertEquals("gate-2", token(2, "stall"), "the late write did not replace the successor's token");
            assertEquals("gate-2", token(0, "stall"), "nor does the stalled instance keep its own");
            assertEquals(2, gated.requests());
        }
    }

    @Test
    void aHolderKilledMidRefreshIsReplacedByAnotherInstance() throws Exception {
        try (GatedUpstream gated = new GatedUpstream()) {
            registerEverywhere("killed", gated.tokenUrl().toString());
            CompletableFuture<HttpResponse<String>> doomed =
                    brokers.get(0).getAsync("/v1/tenants/acme/connections/killed/token");
            gated.awaitFirstRequest();

            servers.remove(0).close();
            brokers.remove(0);

            assertEquals("gate-2", token(0, "killed"), "a surviving instance refreshed after the lease expired");
            assertEquals("gate-2", token(1, "killed"));
            gated.openGate();
            doomed.handle((response, failure) -> null).get(30, TimeUnit.SECONDS);
            assertEquals("gate-2", token(1, "killed"), "whatever the killed holder did last changed nothing");
            assertEquals(2, gated.requests());
        }
    }

    private RedisEvents events(int instance) {
        return servers.get(instance).getApplicationContext().getBean(RedisAdapters.class).events();
    }

    private RedisClient redisClient(int instance) {
        return servers.get(instance).getApplicationContext().getBean(RedisClient.class);
    }

    private void registerEverywhere(String connection) {
        registerEverywhere(connection, upstream.tokenUrl().toString());
    }

    private void registerEverywhere(String connection, String tokenUrl) {
        for (BrokerClient broker : brokers) {
            HttpResponse<String> response = broker.put("/v1/tenants/acme/connections/" + connection,
                    "{\"provider\":\"oauth2\",\"token_url\":\"" + tokenUrl + "\",\"client_id\":\""
                            + CLIENT_ID + "\",\"client_secret\":\"" + CLIENT_SECRET + "\","
                            + "\"auth_method\":\"client_secret_basic\"}");
            assertEquals(201, response.statusCode(), response.body());
        }
    }

    private String token(int instance, String connection) {
        HttpResponse<String> response = brokers.get(instance)
                .get("/v1/tenants/acme/connections/" + connection + "/token");
        assertEquals(200, response.statusCode(), response.body());
        return (String) body(response).get("access_token");
    }
}
