package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.adapters.http.webhook.WebhookReceiver;
import io.tokenbroker.adapters.http.webhook.WebhookReceiver.Received;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.testing.RecordingScheduler;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Connection events through the whole broker to real webhook receivers: each tenant's at its own URL with its own
 * secret, the default for the rest. The clock is the test's (the circuit's open period passes when the test says so);
 * delivery retries run at once with their backoff recorded; a receiver held on a latch proves requests never wait for
 * one.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionEventsEndToEndTest implements TestPropertyProvider {

    private static final String ACME_SECRET = "acme-receiver-secret-0123456789abcdef";
    private static final String GLOBEX_SECRET = "globex-receiver-secret-0123456789abcdef";
    private static final String HANGING_SECRET = "hanging-receiver-secret-0123456789abcdef";
    private static final String DEFAULT_SECRET = "default-receiver-secret-0123456789abcdef";
    private static final String CLIENT_ID = "events-client";
    private static final String CLIENT_SECRET = "events-client-secret-never-sent";
    private static final Duration OPEN = Duration.ofSeconds(30);
    private static final Duration BACKOFF_BASE = Duration.ofMillis(100);

    static final TestClock CLOCK = TestClock.at(Instant.now());
    static final RecordingScheduler DELIVERIES = new RecordingScheduler(1, "webhook-deliveries-test");
    private static final WebhookReceiver RECEIVER = new WebhookReceiver(Map.of("/acme", ACME_SECRET,
            "/globex", GLOBEX_SECRET, "/hanging", HANGING_SECRET, "/default", DEFAULT_SECRET));

    @Inject
    EmbeddedServer server;
    @Inject
    ConnectionEvents events;

    private BrokerClient admin;
    private SandboxUpstream upstream;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>();
        properties.put("tokenbroker.test.events-e2e", "true");
        properties.put("tokenbroker.webhooks.url", RECEIVER.url("/default").toString());
        properties.put("tokenbroker.webhooks.secret", DEFAULT_SECRET);
        properties.put("tokenbroker.webhooks.tenants.acme.url", RECEIVER.url("/acme").toString());
        properties.put("tokenbroker.webhooks.tenants.acme.secret", ACME_SECRET);
        properties.put("tokenbroker.webhooks.tenants.globex.url", RECEIVER.url("/globex").toString());
        properties.put("tokenbroker.webhooks.tenants.globex.secret", GLOBEX_SECRET);
        properties.put("tokenbroker.webhooks.tenants.hanging.url", RECEIVER.url("/hanging").toString());
        properties.put("tokenbroker.webhooks.tenants.hanging.secret", HANGING_SECRET);
        properties.put("tokenbroker.webhooks.backoff-base", BACKOFF_BASE.toMillis() + "ms");
        properties.put("tokenbroker.webhooks.backoff-cap", "1s");
        properties.put("tokenbroker.webhooks.max-attempts", "5");
        // Far beyond the tests' own guards: were a request to wait for a held receiver, its test would fail first.
        properties.put("tokenbroker.webhooks.timeout", "5m");
        properties.put("tokenbroker.upstream.resilience.max-attempts", "1");
        properties.put("tokenbroker.upstream.resilience.circuit-failure-threshold", "2");
        properties.put("tokenbroker.upstream.resilience.circuit-open-duration", OPEN.toSeconds() + "s");
        properties.put("tokenbroker.upstream.resilience.min-interval", "0s");
        return properties;
    }

    @BeforeEach
    void start() throws IOException {
        admin = new BrokerClient(server.getURI());
        upstream = SandboxUpstream.start(0, CLIENT_ID, CLIENT_SECRET, Duration.ofSeconds(600));
    }

    @org.junit.jupiter.api.AfterEach
    void stopUpstream() {
        upstream.close();
    }

    @AfterAll
    void stopReceiver() {
        RECEIVER.close();
    }

    private void register(String tenant, String connection) {
        HttpResponse<String> saved = admin.put("/v1/tenants/" + tenant + "/connections/" + connection,
                "{\"provider\":\"oauth2\",\"token_url\":\"" + upstream.tokenUrl() + "\",\"client_id\":\"" + CLIENT_ID
                        + "\",\"client_secret\":\"" + CLIENT_SECRET + "\"}");
        assertTrue(saved.statusCode() == 200 || saved.statusCode() == 201, saved.body());
    }

    private HttpResponse<String> token(String tenant, String connection) {
        return admin.get("/v1/tenants/" + tenant + "/connections/" + connection + "/token");
    }

    private static java.util.function.Predicate<Received> about(String path, String tenant, String connection) {
        return request -> request.path().equals(path) && tenant.equals(request.tenant())
                && connection.equals(request.connection());
    }

    @Test
    void eachTenantsRefreshReachesItsOwnReceiverSignedWithItsOwnSecret() throws Exception {
        register("acme", "crm");
        register("globex", "crm");
        register("initech", "crm");

        HttpResponse<String> acme = token("acme", "crm");
        HttpResponse<String> globex = token("globex", "crm");
        HttpResponse<String> initech = token("initech", "crm");

        assertEquals(200, acme.statusCode(), acme.body());
        Received toAcme = RECEIVER.await(about("/acme", "acme", "crm"), 1).get(0);
        Received toGlobex = RECEIVER.await(about("/globex", "globex", "crm"), 1).get(0);
        Received toDefault = RECEIVER.await(about("/default", "initech", "crm"), 1).get(0);
        for (Received request : List.of(toAcme, toGlobex, toDefault)) {
            assertTrue(request.signatureValid(), "signed with its receiver's secret: " + request);
            assertEquals("token_refreshed", request.type());
            assertEquals("request", request.body().get("detail"));
        }
        assertEquals(body(acme).get("expires_at"), toAcme.body().get("expires_at"));
        assertEquals(body(globex).get("expires_at"), toGlobex.body().get("expires_at"));
        assertEquals(body(initech).get("expires_at"), toDefault.body().get("expires_at"));
        assertFalse(WebhookReceiver.verifies(GLOBEX_SECRET, toAcme.signature(), toAcme.rawBody()),
                "another tenant's secret does not verify it");
        for (Received request : RECEIVER.all()) {
            for (String secret : List.of((String) body(acme).get("access_token"), CLIENT_SECRET, ACME_SECRET,
                    GLOBEX_SECRET, DEFAULT_SECRET)) {
                assertFalse(request.rawBody().contains(secret), "nothing secret in " + request.rawBody());
            }
        }
    }

    @Test
    void aFailingUpstreamIsAnnouncedAsFailedRefreshesThenAnOpenCircuitAndItsRecoveryClosesIt() throws Exception {
        register("acme", "flaky");
        upstream.fault(503, Duration.ofHours(1), Optional.empty());

        assertEquals(503, token("acme", "flaky").statusCode());
        assertEquals(503, token("acme", "flaky").statusCode(), "the second outage opens the circuit (threshold 2)");
        int callsWhileOpen = (int) upstream.tokenRequests();
        assertEquals(503, token("acme", "flaky").statusCode(), "open: refused without a call");
        assertEquals(callsWhileOpen, upstream.tokenRequests());
        upstream.fault(0, Duration.ZERO, Optional.empty());
        CLOCK.advance(OPEN);
        assertEquals(200, token("acme", "flaky").statusCode(), "the probe succeeds");

        // TOKEN_REFRESHED is published last; once it arrived every earlier event was sent too.
        RECEIVER.await(about("/acme", "acme", "flaky").and(request -> "token_refreshed".equals(request.type())), 1);
        List<Received> arrived = RECEIVER.await(about("/acme", "acme", "flaky"), 5);
        assertEquals(Map.of("refresh_failed", 2L, "circuit_opened", 1L, "circuit_closed", 1L, "token_refreshed", 1L),
                arrived.stream().collect(Collectors.groupingBy(Received::type, Collectors.counting())),
                "nothing for the refusal while open");
        assertTrue(arrived.stream().allMatch(Received::signatureValid));
        assertTrue(arrived.stream().filter(request -> request.type().equals("refresh_failed"))
                .allMatch(request -> "temporarily_unavailable".equals(request.body().get("detail"))));
        List<ConnectionEvent.Type> logged = events.recent(1_000).stream()
                .filter(event -> event.key().equals(ConnectionKey.of("acme", "flaky")))
                .map(ConnectionEvent::type).toList();
        assertEquals(List.of(ConnectionEvent.Type.TOKEN_REFRESHED, ConnectionEvent.Type.CIRCUIT_CLOSED,
                ConnectionEvent.Type.CIRCUIT_OPENED, ConnectionEvent.Type.REFRESH_FAILED,
                ConnectionEvent.Type.REFRESH_FAILED), logged, "newest first, in the order they happened");
    }

    @Test
    void aReceiverThatAnswers500GetsTheSameEventAgainAfterBackoff() throws Exception {
        register("globex", "retried");
        RECEIVER.failNext("/globex", 2);
        int delaysBefore = DELIVERIES.delays().size();

        assertEquals(200, token("globex", "retried").statusCode());

        List<Received> attempts = RECEIVER.await(about("/globex", "globex", "retried"), 3);
        assertEquals(1, attempts.stream().map(Received::rawBody).distinct().count(), "one event (one id) sent thrice");
        assertTrue(attempts.stream().allMatch(Received::signatureValid));
        List<Duration> delays = DELIVERIES.delays().subList(delaysBefore, delaysBefore + 2);
        assertTrue(delays.get(0).compareTo(BACKOFF_BASE) <= 0, "first retry within the base: " + delays);
        assertTrue(delays.get(1).compareTo(BACKOFF_BASE.multipliedBy(2)) <= 0, "second within twice it: " + delays);
        String metrics = admin.get("/prometheus").body();
        assertTrue(metrics.contains("tokenbroker_webhook_deliveries_total{outcome=\"retried\"}"), metrics);
        assertTrue(metrics.contains("tokenbroker_webhook_deliveries_total{outcome=\"lost_at_shutdown\"} 0.0"), metrics);
    }

    @Test
    void aReceiverThatHangsHoldsUpNoRequest() throws Exception {
        register("hanging", "crm");
        register("hanging", "other");
        WebhookReceiver.Hold hold = RECEIVER.hold("/hanging");
        try {
            CompletableFuture<HttpResponse<String>> first = admin.getAsync("/v1/tenants/hanging/connections/crm/token");
            // The event is now inside the receiver, which does not answer until released.
            assertTrue(hold.entered().await(30, TimeUnit.SECONDS), "the event reached the receiver");
            assertEquals(200, first.get(30, TimeUnit.SECONDS).statusCode(), "answered while its event is held");

            HttpResponse<String> second = admin.getAsync("/v1/tenants/hanging/connections/other/token")
                    .get(30, TimeUnit.SECONDS);
            assertEquals(200, second.statusCode(), "a refresh publishes while the receiver hangs");
            // The receiver records a request only once it answers: none answered, so both requests were served
            // while their events waited on it.
            assertEquals(List.of(), RECEIVER.all().stream().filter(request -> request.path().equals("/hanging"))
                    .toList(), "the receiver was held throughout");
        } finally {
            hold.release();
        }
        assertEquals(2, RECEIVER.await(request -> request.path().equals("/hanging"), 2).size(),
                "the held events are delivered once it answers");
    }

    /**
     * Test-only beans, guarded by a property of this test so other tests' contexts do not pick them up: the movable
     * clock, and one delivery thread that runs retries at once and records the backoff each was scheduled with.
     */
    @Factory
    @Requires(property = "tokenbroker.test.events-e2e", value = "true")
    static class TestBeans {

        @Singleton
        @Replaces(Clock.class)
        Clock clock() {
            return CLOCK;
        }

        @Singleton
        @Named("webhook-deliveries")
        @Replaces(value = ScheduledExecutorService.class, named = "webhook-deliveries")
        @Bean(preDestroy = "shutdownNow")
        ScheduledExecutorService deliveries() {
            return DELIVERIES;
        }
    }
}
