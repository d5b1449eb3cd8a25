package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The authenticated proxy over real HTTP: a sandbox token endpoint, a real local API behind the proxy, the broker's
 * clock in the test's hands (the minimum refresh interval is its default, 1 s, measured on that clock).
 */
@MicronautTest
@Property(name = "tokenbroker.test.proxy-clock", value = "true")
@Property(name = "tokenbroker.proxy.allow-insecure-loopback", value = "true")
class ProxyEndToEndTest {

    private static final TestClock CLOCK = TestClock.at(Instant.parse("2032-01-01T00:00:00Z"));
    private static final Duration PAST_THE_INTERVAL = Duration.ofSeconds(2);

    @Inject
    EmbeddedServer server;
    @Inject
    MeterRegistry registry;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private BrokerClient broker;
    private SandboxUpstream upstream;
    private ProxiedApi api;

    @BeforeEach
    void start() throws IOException {
        broker = new BrokerClient(server.getURI());
        upstream = SandboxUpstream.start(0, "proxy-client", "proxy-secret", Duration.ofSeconds(600));
        api = new ProxiedApi();
    }

    @AfterEach
    void stop() {
        api.close();
        upstream.close();
    }

    @Test
    void theConnectionsTokenIsSentAndTheCallersCredentialsAreNot() throws Exception {
        register("crm");
        String token = token("crm");

        HttpResponse<String> answer = http.send(proxy("crm", "/orders/42?since=today&x=%20")
                .header("X-API-Key", BrokerClient.ADMIN_KEY).header("Cookie", "session=caller")
                .header("X-Custom", "kept").header("Tokenbroker-Min-Valid-For", "60").GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, answer.statusCode(), answer.body());
        ProxiedApi.Received received = api.received().get(0);
        assertEquals("/api/orders/42?since=today&x=%20", received.target());
        assertEquals("Bearer " + token, received.header("Authorization"));
        assertNull(received.header("X-API-Key"), "the caller's key never leaves the broker");
        assertNull(received.header("Cookie"));
        assertNull(received.header("Tokenbroker-Min-Valid-For"));
        assertEquals("kept", received.header("X-Custom"));
        assertEquals("max-age=60", answer.headers().firstValue("Cache-Control").orElseThrow(), "not rewritten");
        assertEquals("7", answer.headers().firstValue("RateLimit-Remaining").orElseThrow(), "the API's own");
        assertEquals("yes", answer.headers().firstValue("X-Upstream").orElseThrow());
        assertTrue(answer.headers().firstValue("X-Request-Id").isPresent());
        assertFalse(answer.headers().firstValue("Tokenbroker-Error").isPresent());
        assertFalse(answer.headers().firstValue("X-Frame-Options").isPresent(), "the edge's headers stay off");
    }

    @Test
    void a401ForcesOneRefreshAndOneRetryAndASecond401IsPassedThrough() throws Exception {
        register("revoked");
        String first = token("revoked");
        api.refuse(first);
        CLOCK.advance(PAST_THE_INTERVAL);

        HttpResponse<String> retried = send(proxy("revoked", "/orders").POST(
                HttpRequest.BodyPublishers.ofString("{\"n\":1}")).header("Content-Type", "application/json"));

        assertEquals(200, retried.statusCode(), retried.body());
        assertEquals(2, upstream.tokenRequests(), "one refresh");
        List<ProxiedApi.Received> calls = api.received();
        assertEquals(2, calls.size(), "the call and its one retry");
        assertEquals("Bearer " + first, calls.get(0).header("Authorization"));
        assertNotEquals("Bearer " + first, calls.get(1).header("Authorization"));
        assertEquals(7, calls.get(1).bodyBytes(), "the held body is sent again");

        api.refuseEveryToken();
        CLOCK.advance(PAST_THE_INTERVAL);
        HttpResponse<String> refused = send(proxy("revoked", "/orders").GET());

        assertEquals(401, refused.statusCode());
        assertEquals("{\"error\":\"invalid_token\"}", refused.body(), "the API's answer, as it sent it");
        assertFalse(refused.headers().firstValue("Tokenbroker-Error").isPresent());
        assertEquals(3, upstream.tokenRequests(), "one more refresh, then the second 401 went to the caller");
        assertEquals(4, api.received().size());
    }

    @Test
    void anApiThatAlwaysAnswers401GetsAtMostOneRefreshPerMinimumInterval() throws Exception {
        register("always");
        token("always");
        api.refuseEveryToken();
        CLOCK.advance(PAST_THE_INTERVAL);

        for (int i = 0; i < 5; i++) {
            assertEquals(401, send(proxy("always", "/me").GET()).statusCode());
        }
        assertEquals(2, upstream.tokenRequests(), "one forced refresh for five 401s within the interval");
        assertEquals(6, api.received().size(), "the first call was retried once, the others not at all");
        assertTrue(registry.counter("tokenbroker.proxy.retries", "outcome", "declined").count() >= 4);
        assertTrue(registry.counter("tokenbroker.proxy.answers", "status", "4xx").count() >= 5);

        CLOCK.advance(PAST_THE_INTERVAL);
        assertEquals(401, send(proxy("always", "/me").GET()).statusCode());
        assertEquals(3, upstream.tokenRequests(), "the next interval allows the next one");
    }

    @Test
    void everyWayToChooseAnotherTargetIsRefusedWith400() throws Exception {
        register("escape");
        String crm = "/v1/proxy/acme/escape";
        List<String> requests = List.of(
                "GET " + crm + "/a/../../../tenants HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                "GET " + crm + "/%2e%2e/%2e%2e/admin HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                "GET " + crm + "/..%2f..%2fadmin HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                "GET " + crm + "/a%2fb HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                "GET " + crm + "/@evil.example/x HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                "GET " + crm + "//evil.example/x HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                "GET http://evil.example" + crm + "/x HTTP/1.1\r\nHost: evil.example\r\n",
                "GET http://127.0.0.1" + crm + "/x HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                "GET " + crm + "/x HTTP/1.1\r\nHost: evil.example\r\n",
                "GET " + crm + "/x HTTP/1.1\r\nHost: evil.example:443\r\n");
        for (String request : requests) {
            String answer = raw(request + "X-API-Key: " + BrokerClient.ADMIN_KEY + "\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 400"), (request + " → " + answer).replace("\r", ""));
            assertTrue(answer.toLowerCase().contains("content-type: application/problem+json"), answer);
            assertTrue(answer.toLowerCase().contains("tokenbroker-error: true"), answer);
        }
        assertEquals(List.of(), api.received(), "nothing reached the API");
    }

    @Test
    void aRedirectIsReturnedToTheCallerNotFollowed() throws Exception {
        register("moved");

        HttpResponse<String> answer = send(proxy("moved", "/redirect").GET());

        assertEquals(302, answer.statusCode());
        assertEquals("http://127.0.0.2:9/elsewhere", answer.headers().firstValue("Location").orElseThrow());
        assertEquals(1, api.received().size());
    }

    /**
     * Streaming, proven by its structure rather than by timing or heap readings: the caller sends the first MiB and
     * then waits until the API has received body bytes before it sends the other 19. A proxy that held the body
     * would never pass anything on, and the wait would end unfulfilled.
     */
    @Test
    void aTwentyMegabyteBodyStreamsThroughWhileTheCallerIsStillSending() throws Exception {
        register("upload");
        int chunk = 64 * 1024;
        int chunks = 20 * 16;
        AtomicBoolean reachedTheApiFirst = new AtomicBoolean();
        SubmissionPublisher<ByteBuffer> caller = new SubmissionPublisher<>();
        CountDownLatch subscribed = new CountDownLatch(1);
        Flow.Publisher<ByteBuffer> body = subscriber -> {
            caller.subscribe(subscriber);
            subscribed.countDown();
        };
        Thread sender = new Thread(() -> {
            await(subscribed); // a SubmissionPublisher drops what is submitted before anyone subscribed
            for (int i = 0; i < chunks; i++) {
                if (i == 16) {
                    reachedTheApiFirst.set(await(api.firstBodyBytes()));
                }
                caller.submit(ByteBuffer.wrap(new byte[chunk]));
            }
            caller.close();
        });
        sender.start();

        HttpResponse<String> answer = send(proxy("upload", "/files").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.fromPublisher(body, (long) chunk * chunks)));
        sender.join();

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("{\"bytes\":" + (long) chunk * chunks + "}", answer.body());
        assertTrue(reachedTheApiFirst.get(), "the API had bytes before the caller had sent the second MiB");
        assertTrue(api.received().get(0).header("Authorization").startsWith("Bearer "));
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        register("huge");

        String answer = raw("POST /v1/proxy/acme/huge/files HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: "
                + BrokerClient.ADMIN_KEY + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                + (51L * 1024 * 1024) + "\r\nConnection: close\r\n\r\n");

        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertEquals(List.of(), api.received());
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void theBrokersOwnAnswersSaySo() throws Exception {
        register("plain", false);

        HttpResponse<String> unconfigured = send(proxy("plain", "/x").GET());
        HttpResponse<String> unknown = send(proxy("nothing", "/x").GET());
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(
                server.getURI().resolve("/v1/proxy/acme/plain/x")).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(409, unconfigured.statusCode(), unconfigured.body());
        assertEquals("urn:tokenbroker:problem:proxy-not-configured", body(unconfigured).get("type"));
        assertEquals(404, unknown.statusCode());
        assertEquals(401, anonymous.statusCode());
        for (HttpResponse<String> answer : List.of(unconfigured, unknown, anonymous)) {
            assertEquals("true", answer.headers().firstValue("Tokenbroker-Error").orElse(null),
                    answer.headers().map() + " " + answer.body());
        }
    }

    private void register(String connection) {
        register(connection, true);
    }

    private void register(String connection, boolean withApi) {
        HttpResponse<String> response = broker.put("/v1/tenants/acme/connections/" + connection,
                "{\"provider\":\"oauth2\",\"token_url\":\"" + upstream.tokenUrl() + "\",\"client_id\":\"proxy-client\","
                        + "\"client_secret\":\"proxy-secret\""
                        + (withApi ? ",\"api_base_url\":\"" + api.uri("/api") + "\"" : "") + "}");
        assertEquals(201, response.statusCode(), response.body());
    }

    private String token(String connection) {
        HttpResponse<String> response = broker.get("/v1/tenants/acme/connections/" + connection + "/token");
        assertEquals(200, response.statusCode(), response.body());
        return (String) body(response).get("access_token");
    }

    private HttpRequest.Builder proxy(String connection, String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(server.getURI() + "/v1/proxy/acme/" + connection + pathAndQuery));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.header("X-API-Key", BrokerClient.ADMIN_KEY).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A request as bytes on a socket: the JDK client would normalise or refuse what these tests must send. */
    private String raw(String request) throws IOException {
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** The movable clock, only for this test's context. */
    @Factory
    @Requires(property = "tokenbroker.test.proxy-clock", value = "true")
    static class TestBeans {

        @Singleton
        @Replaces(Clock.class)
        Clock clock() {
            return CLOCK;
        }
    }
}
