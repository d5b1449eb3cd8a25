package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.tokenbroker.adapters.http.webhook.WebhookReceiver;
import io.tokenbroker.adapters.http.webhook.WebhookReceiver.Received;
import io.tokenbroker.application.port.in.RefreshDueConnections;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.connection.ConnectionEvent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code refresh_token_expiring} through the whole broker: a local QuickBooks-shaped token endpoint at its hard cap
 * (every refresh rotates the refresh token but {@code x_refresh_token_expires_in} counts down to one fixed instant),
 * the test's clock, the scheduler run on the test's thread, and the event delivered to a real webhook receiver.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefreshTokenExpiringEndToEndTest implements TestPropertyProvider {

    private static final String RECEIVER_SECRET = "expiring-receiver-secret-0123456789abcdef";
    private static final TestClock CLOCK = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    /** The provider's cap: no refresh moves the refresh token's expiry past it. */
    private static final Instant CAP = CLOCK.instant().plus(Duration.ofDays(30));
    private static final WebhookReceiver RECEIVER = new WebhookReceiver(Map.of("/hooks", RECEIVER_SECRET));
    private static final CappedQuickBooks QUICKBOOKS = CappedQuickBooks.start();

    @Inject
    EmbeddedServer server;
    @Inject
    RefreshDueConnections scheduler;
    @Inject
    ConnectionEvents events;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("tokenbroker.test.expiring-clock", "true",
                "tokenbroker.scheduler.tick", "1h",
                "tokenbroker.scheduler.look-ahead", "0s",
                "tokenbroker.upstream.resilience.min-interval", "0s",
                "tokenbroker.webhooks.url", RECEIVER.url("/hooks").toString(),
                "tokenbroker.webhooks.secret", RECEIVER_SECRET);
    }

    @AfterAll
    void stop() {
        RECEIVER.close();
        QUICKBOOKS.server.stop(0);
    }

    @Test
    void aHardCapReachesTheWebhookOnceWhenItEntersTheWindowWithTheReasonAndHowToReconnect() throws Exception {
        BrokerClient admin = new BrokerClient(server.getURI());
        HttpResponse<String> saved = admin.put("/v1/tenants/acme/connections/books", "{\"provider\":\"quickbooks\","
                + "\"realm_id\":\"9130347\",\"token_url\":\"" + QUICKBOOKS.tokenUrl() + "\",\"client_id\":\"qb-client\","
                + "\"client_secret\":\"qb-secret-never-sent\",\"refresh_token\":\"qb-rt-0\"}");
        assertEquals(201, saved.statusCode(), saved.body());
        assertEquals(200, admin.get("/v1/tenants/acme/connections/books/token").statusCode());
        assertEquals(CAP.toString(), BrokerClient.body(admin.get("/v1/tenants/acme/connections/books/status"))
                .get("refresh_token_expires_at"), "x_refresh_token_expires_in was recorded");

        CLOCK.advance(Duration.ofHours(25)); // nobody asks any more: only keep-alive refreshes it
        scheduler.refreshDue();
        assertEquals(1, QUICKBOOKS.refreshes.get(), "idle and far from its expiry: parked");
        CLOCK.set(CAP.minus(Duration.ofDays(14)));
        scheduler.refreshDue();

        Received warning = RECEIVER.await(request -> "refresh_token_expiring".equals(request.type()), 1).get(0);
        assertEquals(2, QUICKBOOKS.refreshes.get(), "probed once as it entered the window");
        assertTrue(warning.signatureValid());
        assertEquals("acme", warning.tenant());
        assertEquals("books", warning.connection());
        assertEquals(CAP.toString(), warning.body().get("expires_at"));
        String detail = (String) warning.body().get("detail");
        assertTrue(detail.startsWith("hard_cap: "), detail);
        assertTrue(detail.endsWith("POST /v1/tenants/acme/connections/books/connect"), detail);
        assertFalse(warning.rawBody().contains("qb-rt-"), "no refresh token in the event: " + warning.rawBody());

        CLOCK.set(CAP.minus(Duration.ofDays(1)));
        scheduler.refreshDue(); // the access token's own entry: idle, parked at the keep-alive point
        scheduler.refreshDue(); // the keep-alive, which meets the same cap
        assertEquals(3, QUICKBOOKS.refreshes.get(), "kept alive before the expiry");
        assertEquals(1, events.recent(1000).stream()
                .filter(event -> event.type() == ConnectionEvent.Type.REFRESH_TOKEN_EXPIRING).count(), "once");
    }

    /** A token endpoint that rotates refresh tokens whose expiry never passes {@link #CAP}. */
    private record CappedQuickBooks(HttpServer server, AtomicInteger refreshes) {

        static CappedQuickBooks start() {
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                CappedQuickBooks upstream = new CappedQuickBooks(server, new AtomicInteger());
                server.createContext("/oauth2/v1/tokens/bearer", upstream::token);
                server.start();
                return upstream;
            } catch (IOException cannotListen) {
                throw new IllegalStateException(cannotListen);
            }
        }

        String tokenUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/oauth2/v1/tokens/bearer";
        }

        private void token(HttpExchange exchange) throws IOException {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean refresh = form.contains("grant_type=refresh_token");
            int n = refresh ? refreshes.incrementAndGet() : 0;
            long left = Duration.between(CLOCK.instant(), CAP).toSeconds();
            byte[] body = (refresh ? "{\"access_token\":\"qb-at-" + n + "\",\"token_type\":\"bearer\","
                    + "\"expires_in\":3600,\"refresh_token\":\"qb-rt-" + n + "\",\"x_refresh_token_expires_in\":"
                    + left + "}" : "{\"error\":\"unsupported_grant_type\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(refresh ? 200 : 400, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The test's clock, and refreshes on the scheduler's caller thread (the executor of the refresh-ahead test). */
    @Factory
    @Requires(property = "tokenbroker.test.expiring-clock", value = "true")
    static class TestBeans {

        @Singleton
        @Replaces(Clock.class)
        Clock clock() {
            return CLOCK;
        }

        @Singleton
        @Named("proactive-refresh")
        @Replaces(value = ExecutorService.class, named = "proactive-refresh")
        ExecutorService inline() {
            return new ProactiveRefreshEndToEndTest.TestBeans().inline();
        }
    }
}
