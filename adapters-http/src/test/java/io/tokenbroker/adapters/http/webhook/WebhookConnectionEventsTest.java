package io.tokenbroker.adapters.http.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.micronaut.json.JsonMapper;
import io.tokenbroker.adapters.http.webhook.WebhookTargets.Target;
import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.TenantId;
import io.tokenbroker.domain.resilience.Backoff;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Signed events to real local receivers, one per tenant, each checking the signature with its own secret the way an
 * operator's would. Retries run at once but their backoff is recorded, so delays are asserted, never waited for.
 */
class WebhookConnectionEventsTest {

    private static final String ACME_SECRET = "acme-webhook-secret-of-at-least-32-chars";
    private static final String GLOBEX_SECRET = "globex-webhook-secret-of-at-least-32-chars";
    private static final String DEFAULT_SECRET = "default-webhook-secret-of-at-least-32-chars";
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration BASE = Duration.ofSeconds(1);

    /** Draws the top of every jitter range, so each backoff is its exponential ceiling. */
    private static final RandomGenerator CEILING = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0x1234_5678_9abc_def0L;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    private final JsonMapper json = JsonMapper.createDefault();
    private final Map<String, String> secretOfPath = Map.of("/acme", ACME_SECRET, "/globex", GLOBEX_SECRET,
            "/default", DEFAULT_SECRET);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresToAnswer = new AtomicInteger();
    private final Map<String, CountDownLatch> arrivals = new ConcurrentHashMap<>();
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private final ExecutorService receiverThreads = Executors.newCachedThreadPool();
    private final RecordingScheduler scheduler = new RecordingScheduler();
    private HttpServer receiver;

    /** One request as the receiver saw it, with whether the signature checked out with the path's secret. */
    private record Received(String path, String body, String signature, boolean valid) {
    }

    @BeforeEach
    void startReceiver() throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        receiver.setExecutor(receiverThreads);
        receiver.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String signature = exchange.getRequestHeaders().getFirst(WebhookConnectionEvents.SIGNATURE_HEADER);
                boolean valid = verifies(secretOfPath.get(path), signature, body);
                awaitReleased();
                received.add(new Received(path, body, signature, valid));
                boolean fail = failuresToAnswer.getAndDecrement() > 0;
                exchange.sendResponseHeaders(fail ? 500 : valid ? 204 : 401, -1);
                arrivals.getOrDefault(path, new CountDownLatch(0)).countDown();
            }
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        hold.countDown();
        scheduler.shutdownNow();
        receiver.stop(0);
        receiverThreads.shutdownNow();
    }

    private void awaitReleased() {
        try {
            hold.await();
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + path);
    }

    private WebhookConnectionEvents events(WebhookTargets targets, int maxAttempts, int capacity) {
        return new WebhookConnectionEvents(new InMemoryConnectionEvents(10), targets, json,
                HttpClient.newHttpClient(), Clock.fixed(NOW, ZoneOffset.UTC), CEILING,
                new WebhookConnectionEvents.Settings(new Backoff(BASE, Duration.ofMinutes(1), CEILING), maxAttempts,
                        Duration.ofSeconds(30), capacity), scheduler);
    }

    private WebhookTargets perTenantWithDefault() {
        return new WebhookTargets(Map.of(
                new TenantId("acme"), Target.of(url("/acme"), ACME_SECRET),
                new TenantId("globex"), Target.of(url("/globex"), GLOBEX_SECRET)),
                Optional.of(Target.of(url("/default"), DEFAULT_SECRET)));
    }

    private CountDownLatch expect(String path, int requests) {
        CountDownLatch latch = new CountDownLatch(requests);
        arrivals.put(path, latch);
        return latch;
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(30, TimeUnit.SECONDS), "the receiver did not get what it expected");
    }

    /** Lets every queued attempt and retry finish, so the counters are final. */
    private void drain() throws InterruptedException {
        scheduler.shutdown();
        assertTrue(scheduler.awaitTermination(30, TimeUnit.SECONDS));
    }

    private static ConnectionEvent event(String tenant, ConnectionEvent.Type type) {
        return new ConnectionEvent(ConnectionKey.of(tenant, "crm"), type, NOW, "invalid_grant");
    }

    /** What an operator's receiver does: recompute HMAC-SHA256 of "t.body" with its secret, compare. */
    private static boolean verifies(String secret, String header, String body) {
        if (secret == null || header == null || !header.startsWith("t=") || !header.contains(",v1=")) {
            return false;
        }
        String timestamp = header.substring(2, header.indexOf(','));
        String given = header.substring(header.indexOf(",v1=") + 4);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body)
                    .getBytes(StandardCharsets.UTF_8)));
            return java.security.MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    given.getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.GeneralSecurityException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> parse(String body) throws IOException {
        return json.readValue(body, Map.class);
    }

    private Received only(String path) {
        List<Received> at = received.stream().filter(request -> request.path().equals(path)).toList();
        assertEquals(1, at.size(), "requests at " + path + ": " + at);
        return at.get(0);
    }

    @Test
    void eachTenantsEventsArriveSignedWithItsOwnSecretAtItsOwnUrl() throws Exception {
        CountDownLatch acme = expect("/acme", 1);
        CountDownLatch globex = expect("/globex", 1);
        CountDownLatch fallback = expect("/default", 1);
        WebhookConnectionEvents events = events(perTenantWithDefault(), 3, 100);

        events.publish(event("acme", ConnectionEvent.Type.NEEDS_REAUTHORIZATION));
        events.publish(event("globex", ConnectionEvent.Type.REFRESH_FAILED));
        events.publish(event("initech", ConnectionEvent.Type.CIRCUIT_OPENED));
        await(acme);
        await(globex);
        await(fallback);

        Received toAcme = only("/acme");
        Received toGlobex = only("/globex");
        Received toDefault = only("/default");
        assertTrue(toAcme.valid() && toGlobex.valid() && toDefault.valid(), "each verifies with its own secret");
        assertFalse(verifies(GLOBEX_SECRET, toAcme.signature(), toAcme.body()), "not with another tenant's");
        assertTrue(toAcme.signature().startsWith("t=" + NOW.getEpochSecond() + ",v1="));
        assertEquals("acme", parse(toAcme.body()).get("tenant"));
        assertEquals("globex", parse(toGlobex.body()).get("tenant"));
        assertEquals("initech", parse(toDefault.body()).get("tenant"), "a tenant without its own gets the default");
        drain();
        assertEquals(3, events.delivered());
        assertEquals(3, events.recent(10).size(), "kept for the API as well");
    }

    @Test
    void theBodyIsJsonWithIdsCodesAndInstantsOnly() throws Exception {
        CountDownLatch acme = expect("/acme", 2);
        WebhookConnectionEvents events = events(perTenantWithDefault(), 3, 100);
        Instant expiresAt = NOW.plus(Duration.ofHours(1));

        events.publish(new ConnectionEvent(ConnectionKey.of("acme", "crm"), ConnectionEvent.Type.TOKEN_REFRESHED,
                NOW, "request", Optional.of(expiresAt)));
        events.publish(new ConnectionEvent(ConnectionKey.of("acme", "crm"), ConnectionEvent.Type.CIRCUIT_CLOSED,
                NOW, "the \"upstream\" answered again"));
        await(acme);

        List<Map<String, Object>> bodies = new java.util.ArrayList<>();
        for (Received request : received) {
            bodies.add(parse(request.body()));
        }
        bodies.sort(java.util.Comparator.comparing(body -> (String) body.get("type"), java.util.Comparator.reverseOrder()));
        Map<String, Object> refreshed = bodies.get(0);
        assertEquals("token_refreshed", refreshed.get("type"));
        assertEquals("crm", refreshed.get("connection"));
        assertEquals(NOW.toString(), refreshed.get("at"));
        assertEquals("request", refreshed.get("detail"));
        assertEquals(expiresAt.toString(), refreshed.get("expires_at"));
        assertTrue(((String) refreshed.get("id")).matches("[0-9a-f]{32}"), "id: " + refreshed.get("id"));
        assertFalse(refreshed.get("id").equals(bodies.get(1).get("id")), "each event its own id");
        assertEquals(java.util.Set.of("id", "type", "tenant", "connection", "at", "detail", "expires_at"),
                refreshed.keySet());
        Map<String, Object> closed = bodies.get(1);
        assertEquals("circuit_closed", closed.get("type"));
        assertEquals("the \"upstream\" answered again", closed.get("detail"), "escaped by the JSON writer");
        assertFalse(closed.containsKey("expires_at"), "absent when the event is not about one token");
    }

    @Test
    void aReceiverThatAnswers500GetsTheSameEventAgainAfterGrowingBackoff() throws Exception {
        failuresToAnswer.set(2);
        CountDownLatch acme = expect("/acme", 3);
        WebhookConnectionEvents events = events(perTenantWithDefault(), 8, 100);

        events.publish(event("acme", ConnectionEvent.Type.NEEDS_REAUTHORIZATION));
        await(acme);
        drain();

        assertEquals(List.of(BASE.toMillis(), BASE.multipliedBy(2).toMillis()), scheduler.delays(),
                "full-jitter ceilings of retries 1 and 2");
        assertEquals(3, received.size());
        assertEquals(1, received.stream().map(Received::body).distinct().count(), "one event, one id, three tries");
        assertTrue(received.stream().allMatch(Received::valid), "each attempt signed");
        assertEquals(1, events.delivered());
        assertEquals(2, events.retried());
        assertEquals(0, events.givenUp());
        assertEquals(0, events.pending());
    }

    @Test
    void aReceiverThatKeepsFailingIsGivenUpOnAfterTheLastAttempt() throws Exception {
        failuresToAnswer.set(Integer.MAX_VALUE);
        CountDownLatch acme = expect("/acme", 3);
        WebhookConnectionEvents events = events(perTenantWithDefault(), 3, 100);

        events.publish(event("acme", ConnectionEvent.Type.REFRESH_FAILED));
        await(acme);
        drain();

        assertEquals(3, received.size());
        assertEquals(0, events.delivered());
        assertEquals(2, events.retried());
        assertEquals(1, events.givenUp());
        assertEquals(0, events.pending());
    }

    @Test
    void aHangingReceiverNeverBlocksPublishingAndTheBacklogIsBoundedWithDropsCounted() throws Exception {
        hold = new CountDownLatch(1);
        CountDownLatch acme = expect("/acme", 2);
        WebhookConnectionEvents events = events(perTenantWithDefault(), 3, 2);

        for (int i = 0; i < 5; i++) {
            events.publish(event("acme", ConnectionEvent.Type.TOKEN_REFRESHED));
        }

        // Every publish returned while the receiver is still held: nothing waited for it.
        assertEquals(1, hold.getCount());
        assertEquals(2, events.pending());
        assertEquals(3, events.dropped());
        assertEquals(5, events.recent(10).size(), "dropped from the webhook, not from the log");
        hold.countDown();
        await(acme);
        drain();
        assertEquals(2, events.delivered());
        assertEquals(0, events.pending());
    }

    @Test
    void aTenantWithoutAReceiverIsOnlyLogged() throws Exception {
        WebhookConnectionEvents events = events(new WebhookTargets(Map.of(new TenantId("acme"),
                Target.of(url("/acme"), ACME_SECRET)), Optional.empty()), 3, 100);

        events.publish(event("globex", ConnectionEvent.Type.NEEDS_REAUTHORIZATION));
        drain();

        assertEquals(List.of(), received);
        assertEquals(0, events.pending());
        assertEquals(1, events.recent(10).size());
    }

    @Test
    void aTargetRefusesAShortSecretOrANonHttpUrlAndNeverShowsTheSecret() {
        IllegalArgumentException shortSecret = assertThrows(IllegalArgumentException.class,
                () -> Target.of(url("/acme"), "too-short-secret"));
        assertFalse(shortSecret.getMessage().contains("too-short-secret"));
        assertThrows(IllegalArgumentException.class, () -> Target.of(URI.create("ftp://example.com/x"), ACME_SECRET));
        assertThrows(IllegalArgumentException.class, () -> Target.of(URI.create("/relative"), ACME_SECRET));

        Target target = Target.of(URI.create("https://hooks.example.com/in?token=receiver-own-credential"),
                ACME_SECRET);
        assertFalse(target.toString().contains(ACME_SECRET));
        assertFalse(target.toString().contains("receiver-own-credential"));
        assertFalse(perTenantWithDefault().toString().contains(ACME_SECRET));
    }

    /** Runs every retry at once and remembers the delay it was scheduled with. */
    private static final class RecordingScheduler extends ScheduledThreadPoolExecutor {

        private final List<Long> delays = new CopyOnWriteArrayList<>();

        RecordingScheduler() {
            super(2);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            // execute() comes through here with a zero delay; only retries carry one.
            if (delay > 0) {
                delays.add(unit.toMillis(delay));
            }
            return super.schedule(command, 0, unit);
        }

        List<Long> delays() {
            return List.copyOf(delays);
        }
    }
}
