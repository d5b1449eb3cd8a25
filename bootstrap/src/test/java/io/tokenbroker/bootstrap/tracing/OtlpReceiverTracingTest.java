package io.tokenbroker.bootstrap.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.bootstrap.logging.LeakDetectingAppender;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The production path: nothing but {@code otel.exporter.otlp.endpoint} (and the protocol) configured, spans leave
 * through the OTLP exporter to a receiver on loopback, and what arrives names the route template and the flow's
 * spans but no secret or id. Protobuf keeps strings as UTF-8, so the bytes can be searched as text.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpReceiverTracingTest implements TestPropertyProvider {

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final HttpServer receiver = startReceiver();

    @Inject
    EmbeddedServer server;

    private HttpServer startReceiver() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/v1/traces", exchange -> {
                try (InputStream body = exchange.getRequestBody()) {
                    received.add(new String(body.readAllBytes(), StandardCharsets.ISO_8859_1));
                }
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            http.start();
            return http;
        } catch (IOException failed) {
            throw new IllegalStateException(failed);
        }
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + receiver.getAddress().getPort(),
                "otel.exporter.otlp.protocol", "http/protobuf",
                "otel.bsp.schedule.delay", "50ms");
    }

    @AfterAll
    void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void anOtlpEndpointAloneSendsTheRequestsSpansToIt() throws Exception {
        TracedRequests requests = new TracedRequests(server.getURI());
        try (SandboxUpstream upstream = SandboxUpstream.start(0, TracedRequests.CLIENT_ID,
                TracedRequests.CLIENT_SECRET, Duration.ofSeconds(600))) {
            requests.register("otlptenant", "otlpconnection", upstream, Optional.empty());
            HttpResponse<String> answer = requests.get("/v1/tenants/otlptenant/connections/otlpconnection/token",
                    "6bf92f3577b34da6a3ce929d0e0e4738", "00f067aa0ba902b9", "trace-otlp-request");
            assertEquals(200, answer.statusCode(), answer.body());
        }

        StringBuilder exported = new StringBuilder();
        while (!exported.toString().contains("GET " + TracedRequests.TOKEN_ROUTE)
                || !exported.toString().contains("upstream token call")) {
            String batch = received.poll(10, TimeUnit.SECONDS);
            assertTrue(batch != null, "no OTLP export within 10 s; so far: " + exported.length() + " bytes");
            exported.append(batch);
        }
        String text = exported.toString();
        assertTrue(text.contains("lease wait") && text.contains("token store put"), "the flow's spans");
        assertFalse(LeakDetectingAppender.isSecretShaped(text), "secret-shaped bytes in the export");
        for (String forbidden : new String[] {TracedRequests.CLIENT_SECRET, "otlptenant", "otlpconnection"}) {
            assertFalse(text.contains(forbidden), forbidden);
        }
    }
}
