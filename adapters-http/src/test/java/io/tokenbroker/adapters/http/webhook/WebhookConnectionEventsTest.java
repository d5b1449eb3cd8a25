package io.tokenbroker.adapters.http.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.Backoff;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Signed events to a real local receiver, which checks the signature the way an operator's would. */
class WebhookConnectionEventsTest {

    private static final String SECRET = "webhook-secret-of-at-least-32-characters";
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private HttpServer receiver;
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresToAnswer = new AtomicInteger();
    private final CountDownLatch delivered = new CountDownLatch(1);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private WebhookConnectionEvents events;

    @BeforeEach
    void start() throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        receiver.createContext("/hook", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String signature = exchange.getRequestHeaders().getFirst(WebhookConnectionEvents.SIGNATURE_HEADER);
                if (failuresToAnswer.getAndDecrement() > 0) {
                    exchange.sendResponseHeaders(500, -1);
                    return;
                }
                String timestamp = signature.substring(2, signature.indexOf(','));
                boolean valid = signature.endsWith(",v1=" + events.sign(timestamp + "." + body));
                exchange.sendResponseHeaders(valid ? 204 : 401, -1);
                if (valid) {
                    accepted.add(body);
                    delivered.countDown();
                }
            }
        });
        receiver.start();
        events = new WebhookConnectionEvents(new InMemoryConnectionEvents(10),
                URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"), SECRET,
                HttpClient.newHttpClient(), Clock.fixed(NOW, ZoneOffset.UTC),
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), RandomGenerator.of("L64X128MixRandom")), 3,
                scheduler);
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
        receiver.stop(0);
    }

    private static ConnectionEvent needsReauth() {
        return new ConnectionEvent(ConnectionKey.of("acme", "quickbooks"), ConnectionEvent.Type.NEEDS_REAUTHORIZATION,
                NOW, "the provider refused the refresh token (invalid_grant)");
    }

    @Test
    void anEventArrivesSignedAndIsKeptForTheApi() throws Exception {
        events.publish(needsReauth());

        assertTrue(delivered.await(30, TimeUnit.SECONDS), "the receiver verified one delivery");
        assertEquals(List.of("{\"type\":\"needs_reauthorization\",\"tenant\":\"acme\",\"connection\":\"quickbooks\","
                + "\"at\":\"2030-01-01T00:00:00Z\",\"detail\":\"the provider refused the refresh token "
                + "(invalid_grant)\"}"), accepted);
        assertEquals(1, events.recent(10).size());
    }

    @Test
    void aFailedDeliveryIsRetried() throws Exception {
        failuresToAnswer.set(2);

        events.publish(needsReauth());

        assertTrue(delivered.await(30, TimeUnit.SECONDS), "delivered on the third attempt");
        assertEquals(1, accepted.size());
    }
}
