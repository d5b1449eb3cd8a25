package io.tokenbroker.adapters.http.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.json.JsonMapper;
import io.tokenbroker.adapters.http.upstream.EgressDnsResolver;
import io.tokenbroker.adapters.http.upstream.EgressGuard;
import io.tokenbroker.adapters.http.webhook.WebhookReceiver.Received;
import io.tokenbroker.adapters.http.webhook.WebhookTargets.Target;
import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.testing.RecordingScheduler;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.TenantId;
import io.tokenbroker.domain.egress.EgressPolicy;
import io.tokenbroker.domain.egress.IpLiteral;
import io.tokenbroker.domain.egress.SavedBy;
import io.tokenbroker.domain.resilience.Backoff;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Signed events to real local receivers, one per tenant, each checking the signature with its own secret the way an
 * operator's would. Retries run at once but their backoff is recorded, so delays are asserted, never waited for;
 * {@link WebhookConnectionEvents#close} with a long grace is how a test waits until every delivery has finished.
 */
class WebhookConnectionEventsTest {

    private static final String ACME_SECRET = "acme-webhook-secret-of-at-least-32-chars";
    private static final String GLOBEX_SECRET = "globex-webhook-secret-of-at-least-32-chars";
    private static final String DEFAULT_SECRET = "default-webhook-secret-of-at-least-32-chars";
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration BASE = Duration.ofSeconds(1);
    private static final Duration LONG = Duration.ofSeconds(30);

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
    /**
     * IP literals are read (the receivers listen on 127.0.0.1); only {@code metadata.test} resolves, to the
     * cloud-metadata address, which the policy refuses before anything is sent there.
     */
    private final EgressGuard egress = new EgressGuard(EgressPolicy.defaults(), host -> {
        if (host.equals("metadata.test")) {
            return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {(byte) 169, (byte) 254, (byte) 169,
                    (byte) 254})};
        }
        return IpLiteral.parse(host).map(WebhookConnectionEventsTest::address)
                .orElseThrow(() -> new UnknownHostException(host));
    });
    private final WebhookReceiver receiver = new WebhookReceiver(Map.of("/acme", ACME_SECRET, "/globex", GLOBEX_SECRET,
            "/default", DEFAULT_SECRET));
    // One thread: were any delivery to wait for a receiver, every other delivery would wait behind it.
    private final RecordingScheduler scheduler = new RecordingScheduler(1, "webhook-deliveries-test");
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable each : closing) {
            each.close();
        }
        receiver.close();
        scheduler.shutdownNow();
    }

    private WebhookConnectionEvents events(WebhookTargets targets, int maxAttempts, int capacity) {
        return events(targets, new WebhookConnectionEvents.Settings(new Backoff(BASE, Duration.ofMinutes(1), CEILING),
                maxAttempts, LONG, capacity, 1, LONG));
    }

    private WebhookConnectionEvents events(WebhookTargets targets, WebhookConnectionEvents.Settings settings) {
        WebhookConnectionEvents events = new WebhookConnectionEvents(new InMemoryConnectionEvents(10), targets, json,
                new EgressDnsResolver(egress, SavedBy.OPERATOR), Clock.fixed(NOW, ZoneOffset.UTC), CEILING, settings,
                scheduler);
        closing.add(events);
        return events;
    }

    private WebhookTargets perTenantWithDefault() {
        return new WebhookTargets(Map.of(
                new TenantId("acme"), Target.of(receiver.url("/acme"), ACME_SECRET),
                new TenantId("globex"), Target.of(receiver.url("/globex"), GLOBEX_SECRET)),
                Optional.of(Target.of(receiver.url("/default"), DEFAULT_SECRET)));
    }

    private static Predicate<Received> at(String path) {
        return request -> request.path().equals(path);
    }

    /** Waits until every accepted delivery has finished (the grace is far longer than any needs), so counters are final. */
    private static void drain(WebhookConnectionEvents events) {
        events.close();
        assertEquals(0, events.lostAtShutdown(), "every delivery finished within the grace");
        assertEquals(0, events.pending());
    }

    private static ConnectionEvent event(String tenant, ConnectionEvent.Type type) {
        return new ConnectionEvent(ConnectionKey.of(tenant, "crm"), type, NOW, "invalid_grant");
    }

    private static InetAddress[] address(byte[] literal) {
        try {
            return new InetAddress[] {InetAddress.getByAddress(literal)};
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> parse(String body) throws IOException {
        return json.readValue(body, Map.class);
    }

    @Test
    void eachTenantsEventsArriveSignedWithItsOwnSecretAtItsOwnUrl() throws Exception {
        WebhookConnectionEvents events = events(perTenantWithDefault(), 3, 100);

        events.publish(event("acme", ConnectionEvent.Type.NEEDS_REAUTHORIZATION));
        events.publish(event("globex", ConnectionEvent.Type.REFRESH_FAILED));
        events.publish(event("initech", ConnectionEvent.Type.CIRCUIT_OPENED));
        Received toAcme = receiver.await(at("/acme"), 1).get(0);
        Received toGlobex = receiver.await(at("/globex"), 1).get(0);
        Received toDefault = receiver.await(at("/default"), 1).get(0);
        drain(events);

        assertEquals(3, receiver.all().size(), "one request each: " + receiver.all());
        assertTrue(toAcme.signatureValid() && toGlobex.signatureValid() && toDefault.signatureValid(),
                "each verifies with its own secret");
        assertFalse(WebhookReceiver.verifies(GLOBEX_SECRET, toAcme.signature(), toAcme.rawBody()),
                "not with another tenant's");
        assertTrue(toAcme.signature().startsWith("t=" + NOW.getEpochSecond() + ",v1="));
        assertEquals("acme", toAcme.tenant());
        assertEquals("globex", toGlobex.tenant());
        assertEquals("initech", toDefault.tenant(), "a tenant without its own gets the default");
        assertEquals(3, events.delivered());
        assertEquals(3, events.recent(10).size(), "kept for the API as well");
    }

    @Test
    void theBodyIsJsonWithIdsCodesAndInstantsOnly() throws Exception {
        WebhookConnectionEvents events = events(perTenantWithDefault(), 3, 100);
        Instant expiresAt = NOW.plus(Duration.ofHours(1));

        events.publish(new ConnectionEvent(ConnectionKey.of("acme", "crm"), ConnectionEvent.Type.TOKEN_REFRESHED,
                NOW, "request", Optional.of(expiresAt)));
        events.publish(new ConnectionEvent(ConnectionKey.of("acme", "crm"), ConnectionEvent.Type.CIRCUIT_CLOSED,
                NOW, "the \"upstream\" answered again"));

        List<Map<String, Object>> bodies = new ArrayList<>();
        for (Received request : receiver.await(at("/acme"), 2)) {
            bodies.add(parse(request.rawBody()));
        }
        bodies.sort(Comparator.comparing(body -> (String) body.get("type"), Comparator.reverseOrder()));
        Map<String, Object> refreshed = bodies.get(0);
        assertEquals("token_refreshed", refreshed.get("type"));
        assertEquals("crm", refreshed.get("connection"));
        assertEquals(NOW.toString(), refreshed.get("at"));
        assertEquals("request", refreshed.get("detail"));
        assertEquals(expiresAt.toString(), refreshed.get("expires_at"));
        assertTrue(((String) refreshed.get("id")).matches("[0-9a-f]{32}"), "id: " + refreshed.get("id"));
        assertFalse(refreshed.get("id").equals(bodies.get(1).get("id")), "each event its own id");
        assertEquals(Set.of("id", "type", "tenant", "connection", "at", "detail", "expires_at"), refreshed.keySet());
        Map<String, Object> closed = bodies.get(1);
        assertEquals("circuit_closed", closed.get("type"));
        assertEquals("the \"upstream\" answered again", closed.get("detail"), "escaped by the JSON writer");
        assertFalse(closed.containsKey("expires_at"), "absent when the event is not about one token");
    }

    @Test
    void aReceiverThatAnswers500GetsTheSameEventAgainAfterGrowingBackoff() throws Exception {
        receiver.failNext("/acme", 2);
        WebhookConnectionEvents events = events(perTenantWithDefault(), 8, 100);

        events.publish(event("acme", ConnectionEvent.Type.NEEDS_REAUTHORIZATION));
        List<Received> attempts = receiver.await(at("/acme"), 3);
        drain(events);

        assertEquals(List.of(BASE, BASE.multipliedBy(2)), scheduler.delays(), "full-jitter ceilings of retries 1, 2");
        assertEquals(1, attempts.stream().map(Received::rawBody).distinct().count(), "one event, one id, three tries");
        assertTrue(attempts.stream().allMatch(Received::signatureValid), "each attempt signed");
        assertEquals(1, events.delivered());
        assertEquals(2, events.retried());
        assertEquals(0, events.givenUp());
    }

    @Test
    void aReceiverTheEgressPolicyRefusesGetsNothingAndIsNotRetried() throws Exception {
        URI metadata = URI.create("http://metadata.test:" + receiver.url("/").getPort() + "/acme");
        WebhookConnectionEvents events = events(new WebhookTargets(Map.of(new TenantId("acme"),
                Target.of(metadata, ACME_SECRET)), Optional.of(Target.of(receiver.url("/default"), DEFAULT_SECRET))),
                3, 100);

        events.publish(event("acme", ConnectionEvent.Type.REFRESH_FAILED));
        events.publish(event("globex", ConnectionEvent.Type.REFRESH_FAILED));
        receiver.await(at("/default"), 1);
        drain(events);

        assertEquals(1, events.refused());
        assertEquals(0, events.retried());
        assertEquals(0, events.givenUp());
        assertEquals(1, events.delivered(), "the other receiver still gets its events");
        assertEquals(List.of(), scheduler.delays(), "no retry scheduled");
        assertEquals(1, receiver.all().size(), "only the allowed receiver saw a request: " + receiver.all());
    }

    @Test
    void aReceiverThatKeepsFailingIsGivenUpOnAfterTheLastAttempt() throws Exception {
        receiver.failNext("/acme", Integer.MAX_VALUE);
        WebhookConnectionEvents events = events(perTenantWithDefault(), 3, 100);

        events.publish(event("acme", ConnectionEvent.Type.REFRESH_FAILED));
        receiver.await(at("/acme"), 3);
        drain(events);

        assertEquals(3, receiver.all().size());
        assertEquals(0, events.delivered());
        assertEquals(2, events.retried());
        assertEquals(1, events.givenUp());
    }

    @Test
    void aHangingReceiverNeverBlocksPublishingAndOnlyItsOwnTenantsEventsAreDropped() throws Exception {
        WebhookReceiver.Hold hold = receiver.hold("/acme");
        WebhookConnectionEvents events = events(perTenantWithDefault(), 3, 2);

        CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 5; i++) {
                events.publish(event("acme", ConnectionEvent.Type.TOKEN_REFRESHED));
            }
        });
        assertTrue(hold.entered().await(30, TimeUnit.SECONDS), "the first event reached the receiver");
        publishing.get(30, TimeUnit.SECONDS);
        assertEquals(List.of(), receiver.all(), "every publish returned while the receiver answered nothing");
        assertEquals(2, events.pending(), "acme's capacity");
        assertEquals(3, events.dropped());
        assertEquals(5, events.recent(10).size(), "dropped from the webhook, not from the log");

        // With one shared backlog acme's hang filled it and globex's events were dropped; each receiver has its own.
        events.publish(event("globex", ConnectionEvent.Type.TOKEN_REFRESHED));
        events.publish(event("globex", ConnectionEvent.Type.NEEDS_REAUTHORIZATION));
        assertEquals(2, receiver.await(at("/globex"), 2).size(), "delivered on the one delivery thread meanwhile");
        assertEquals(List.of(), receiver.all().stream().filter(at("/acme")).toList(), "acme still held");
        assertEquals(3, events.dropped(), "none of globex's");

        hold.release();
        receiver.await(at("/acme"), 2);
        drain(events);
        assertEquals(4, events.delivered());
    }

    @Test
    void aReceiverThatSendsHeadersThenStallsIsCutOffAtTheTimeoutAndRetried() throws Exception {
        try (StallingReceiver stalling = new StallingReceiver(2)) {
            WebhookConnectionEvents events = events(stallingAcme(stalling), new WebhookConnectionEvents.Settings(
                    new Backoff(BASE, Duration.ofMinutes(1), CEILING), 2, Duration.ofMillis(200), 10, 1, LONG));

            events.publish(event("acme", ConnectionEvent.Type.REFRESH_FAILED));
            // Each attempt got its headers, then its body never came: only cancelling closes the connection.
            assertTrue(stalling.closedByUs().await(30, TimeUnit.SECONDS), "both stalled exchanges were cancelled");
            drain(events);

            assertEquals(2, stalling.requests());
            assertEquals(0, events.delivered());
            assertEquals(1, events.retried(), "the first stall counted as a failed attempt");
            assertEquals(1, events.givenUp());
        }
    }

    @Test
    void aStalledExchangeHoldsNoThreadAndIsCancelledAndCountedLostAtShutdown() throws Exception {
        try (StallingReceiver stalling = new StallingReceiver(1)) {
            WebhookConnectionEvents events = events(stallingAcme(stalling), new WebhookConnectionEvents.Settings(
                    new Backoff(BASE, Duration.ofMinutes(1), CEILING), 3, LONG, 10, 1, Duration.ZERO));
            // Another instance on the same single delivery thread: it delivers only if the stall holds no thread.
            WebhookConnectionEvents other = events(perTenantWithDefault(), 3, 10);

            events.publish(event("acme", ConnectionEvent.Type.REFRESH_FAILED));
            events.publish(event("acme", ConnectionEvent.Type.CIRCUIT_OPENED));
            assertTrue(stalling.headersSent().await(30, TimeUnit.SECONDS), "acme's first exchange is stalled");
            other.publish(event("globex", ConnectionEvent.Type.REFRESH_FAILED));
            receiver.await(at("/globex"), 1);
            assertEquals(1, stalling.closedByUs().getCount(), "globex's went through the one thread during the stall");
            drain(other);
            assertEquals(1, other.delivered());

            events.close();

            assertTrue(stalling.closedByUs().await(30, TimeUnit.SECONDS), "the stalled exchange was cancelled");
            assertEquals(2, events.lostAtShutdown(), "the stalled event and the one queued behind it");
            assertEquals(0, events.pending());
            events.publish(event("acme", ConnectionEvent.Type.TOKEN_EXPIRED));
            assertEquals(3, events.lostAtShutdown(), "nothing is accepted once closing");
            assertEquals(1, stalling.requests(), "the queued event was never sent");
        }
    }

    @Test
    void closingWaitsForQueuedDeliveriesWithinTheGrace() throws Exception {
        WebhookReceiver.Hold hold = receiver.hold("/acme");
        WebhookConnectionEvents events = events(perTenantWithDefault(), 3, 100);
        for (int i = 0; i < 3; i++) {
            events.publish(event("acme", ConnectionEvent.Type.TOKEN_REFRESHED));
        }
        assertTrue(hold.entered().await(30, TimeUnit.SECONDS));

        CompletableFuture<Void> closed = CompletableFuture.runAsync(events::close);
        hold.release();
        closed.get(60, TimeUnit.SECONDS);

        assertEquals(3, events.delivered(), "one in flight and two queued when closing began");
        assertEquals(0, events.lostAtShutdown());
        assertEquals(3, receiver.await(at("/acme"), 3).size());
    }

    @Test
    void aTenantWithoutAReceiverIsOnlyLogged() throws Exception {
        WebhookConnectionEvents events = events(new WebhookTargets(Map.of(new TenantId("acme"),
                Target.of(receiver.url("/acme"), ACME_SECRET)), Optional.empty()), 3, 100);

        events.publish(event("globex", ConnectionEvent.Type.NEEDS_REAUTHORIZATION));
        drain(events);

        assertEquals(List.of(), receiver.all());
        assertEquals(1, events.recent(10).size());
    }

    @Test
    void aTargetRefusesAShortSecretOrANonHttpUrlAndNeverShowsTheSecret() {
        IllegalArgumentException shortSecret = assertThrows(IllegalArgumentException.class,
                () -> Target.of(receiver.url("/acme"), "too-short-secret"));
        assertFalse(shortSecret.getMessage().contains("too-short-secret"));
        assertThrows(IllegalArgumentException.class, () -> Target.of(URI.create("ftp://example.com/x"), ACME_SECRET));
        assertThrows(IllegalArgumentException.class, () -> Target.of(URI.create("/relative"), ACME_SECRET));

        Target target = Target.of(URI.create("https://hooks.example.com/in?token=receiver-own-credential"),
                ACME_SECRET);
        assertFalse(target.toString().contains(ACME_SECRET));
        assertFalse(target.toString().contains("receiver-own-credential"));
        assertFalse(perTenantWithDefault().toString().contains(ACME_SECRET));
    }

    private WebhookTargets stallingAcme(StallingReceiver stalling) {
        return new WebhookTargets(Map.of(new TenantId("acme"), Target.of(stalling.url(), ACME_SECRET)),
                Optional.empty());
    }

    /**
     * A receiver on a plain socket, because an HTTP server library finishes what it starts: it reads each request,
     * sends {@code 200} headers promising a 10-byte body, never sends it, and notes when the client closes the
     * connection. Counts down {@code headersSent} per request and {@code closedByUs} per closed connection.
     */
    private static final class StallingReceiver implements AutoCloseable {

        private final ServerSocket socket;
        private final CountDownLatch headersSent;
        private final CountDownLatch closedByUs;
        private final List<Socket> connections = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Thread acceptor;

        StallingReceiver(int connectionsExpected) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            headersSent = new CountDownLatch(connectionsExpected);
            closedByUs = new CountDownLatch(connectionsExpected);
            acceptor = new Thread(this::accept, "stalling-receiver");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/stall");
        }

        CountDownLatch headersSent() {
            return headersSent;
        }

        CountDownLatch closedByUs() {
            return closedByUs;
        }

        int requests() {
            return connections.size();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    connections.add(connection);
                    Thread stall = new Thread(() -> stall(connection), "stalling-receiver-connection");
                    stall.setDaemon(true);
                    stall.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void stall(Socket connection) {
            try (connection) {
                InputStream in = connection.getInputStream();
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
                int length = 0;
                for (String line = lines.readLine(); line != null && !line.isEmpty(); line = lines.readLine()) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring("content-length:".length()).trim());
                    }
                }
                for (int i = 0; i < length; i++) {
                    lines.read();
                }
                connection.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                connection.getOutputStream().flush();
                headersSent.countDown();
                // Blocks until the client gives up on the body: -1 (or a reset) is the connection closed by it.
                int read = lines.read();
                if (read == -1) {
                    closedByUs.countDown();
                }
            } catch (IOException reset) {
                closedByUs.countDown();
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
                for (Socket connection : connections) {
                    connection.close();
                }
            } catch (IOException ignored) {
                throw new UncheckedIOException(ignored);
            }
        }
    }
}
