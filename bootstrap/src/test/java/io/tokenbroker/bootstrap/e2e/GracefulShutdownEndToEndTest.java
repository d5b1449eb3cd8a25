package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.bootstrap.LocalRedis;
import io.tokenbroker.bootstrap.TestKeyRing;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.bootstrap.shutdown.Draining;
import io.tokenbroker.bootstrap.shutdown.Stopping;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stopping instance: readiness goes down while requests are still served, requests it accepted are answered
 * before it stops, and the leases it holds are released when its context closes, so another instance takes over at
 * once instead of after a lease ttl.
 */
class GracefulShutdownEndToEndTest {

    private static final String CLIENT_ID = "shutdown-client";
    private static final String CLIENT_SECRET = "shutdown-secret-never-echoed";

    private final List<EmbeddedServer> servers = new ArrayList<>();
    private LocalRedis redis;

    @AfterEach
    void stop() throws IOException {
        servers.forEach(EmbeddedServer::close);
        if (redis != null) {
            redis.stop();
        }
    }

    private EmbeddedServer start(Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(Map.of("micronaut.server.port", -1,
                TestKeyRing.PROPERTY, TestKeyRing.KEYS));
        properties.putAll(extra);
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties);
        servers.add(server);
        return server;
    }

    private static void register(BrokerClient broker, String connection, String tokenUrl) {
        HttpResponse<String> response = broker.put("/v1/tenants/acme/connections/" + connection,
                "{\"provider\":\"oauth2\",\"token_url\":\"" + tokenUrl + "\",\"client_id\":\"" + CLIENT_ID
                        + "\",\"client_secret\":\"" + CLIENT_SECRET + "\",\"auth_method\":\"client_secret_basic\"}");
        assertEquals(201, response.statusCode(), response.body());
    }

    @Test
    void readinessIsDownWhileDrainingAndRequestsAreStillServed() throws IOException {
        try (SandboxUpstream upstream = SandboxUpstream.start(0, CLIENT_ID, CLIENT_SECRET, Duration.ofMinutes(10))) {
            EmbeddedServer server = start(Map.of());
            BrokerClient broker = new BrokerClient(server.getURI());
            register(broker, "drained", upstream.tokenUrl().toString());
            assertEquals(200, new BrokerClient(server.getURI(), null).get("/health/readiness").statusCode());

            server.getApplicationContext().getBean(Draining.class).begin();

            HttpResponse<String> readiness = new BrokerClient(server.getURI(), null).get("/health/readiness");
            assertEquals(503, readiness.statusCode(), readiness.body());
            assertEquals(200, new BrokerClient(server.getURI(), null).get("/health/liveness").statusCode(),
                    "liveness stays up: a restart would cut the drain short");
            HttpResponse<String> token = broker.get("/v1/tenants/acme/connections/drained/token");
            assertEquals(200, token.statusCode(), token.body());
        }
    }

    @Test
    void requestsAcceptedBeforeTheServerStopsAcceptingAreAnswered() throws Exception {
        EmbeddedServer server = start(Map.of());
        try (GatedUpstream gated = new GatedUpstream()) {
            BrokerClient broker = new BrokerClient(server.getURI());
            register(broker, "inflight", gated.tokenUrl().toString());
            CompletableFuture<HttpResponse<String>> inFlight =
                    broker.getAsync("/v1/tenants/acme/connections/inflight/token");
            gated.awaitFirstRequest();

            CompletableFuture<?> stopped = server.getApplicationContext().getBean(Stopping.class)
                    .stopAccepting(server).toCompletableFuture();
            assertFalse(stopped.isDone(), "the server stopped with a request unanswered");
            gated.openGate();

            HttpResponse<String> answered = inFlight.get(30, TimeUnit.SECONDS);
            assertEquals(200, answered.statusCode(), answered.body());
            assertEquals("gate-1", BrokerClient.body(answered).get("access_token"));
            stopped.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClosedInstanceReleasesTheLeaseItHeldMidRefresh() throws Exception {
        redis = LocalRedis.start();
        Map<String, Object> shared = Map.of("redis.uri", redis.uri(),
                "tokenbroker.redis.command-timeout", "5s");
        EmbeddedServer stopping = start(shared);
        EmbeddedServer staying = start(shared);
        try (GatedUpstream gated = new GatedUpstream()) {
            BrokerClient broker = new BrokerClient(stopping.getURI());
            register(broker, "handover", gated.tokenUrl().toString());
            CompletableFuture<HttpResponse<String>> inFlight =
                    broker.getAsync("/v1/tenants/acme/connections/handover/token");
            gated.awaitFirstRequest();

            servers.remove(stopping);
            stopping.close();

            // The default ttl is 10 s: only a release lets the other instance in without waiting.
            LockManager other = staying.getApplicationContext().getBean(LockManager.class);
            Optional<Lease> taken = other.acquire(ConnectionKey.of("acme", "handover"), Duration.ofSeconds(10),
                    Duration.ZERO);
            assertTrue(taken.isPresent(), "the stopped instance's lease was still held");
            taken.get().close();
            gated.openGate();
            inFlight.handle((response, failure) -> null).get(30, TimeUnit.SECONDS);
        }
    }
}
