package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Idempotency-Key over real HTTP: one side effect per key, a replayed answer, 422 for a different request. */
@MicronautTest
@Property(name = "tokenbroker.upstream.resilience.min-interval", value = "0s")
class IdempotencyEndToEndTest {

    @Inject
    EmbeddedServer server;

    private SandboxUpstream upstream;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        upstream = SandboxUpstream.start(0, "idem-client", "idem-secret", Duration.ofSeconds(600));
        new BrokerClient(server.getURI()).put("/v1/tenants/acme/connections/idem", "{\"provider\":\"oauth2\","
                + "\"token_url\":\"" + upstream.tokenUrl() + "\",\"client_id\":\"idem-client\","
                + "\"client_secret\":\"idem-secret\"}");
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private HttpResponse<String> post(String path, String idempotencyKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURI() + path))
                .header("X-API-Key", BrokerClient.ADMIN_KEY).POST(HttpRequest.BodyPublishers.noBody());
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theSameKeyTwiceRefreshesOnceAndReplaysTheAnswer() throws Exception {
        String path = "/v1/tenants/acme/connections/idem/refresh";

        HttpResponse<String> first = post(path, "refresh-1");
        HttpResponse<String> repeat = post(path, "refresh-1");

        assertEquals(200, first.statusCode(), first.body());
        assertEquals(200, repeat.statusCode());
        assertEquals(first.body(), repeat.body());
        assertEquals("true", repeat.headers().firstValue("Idempotent-Replayed").orElse(""));
        assertFalse(first.headers().firstValue("Idempotent-Replayed").isPresent());
        assertEquals(1, upstream.tokenRequests(), "one side effect");

        post(path, "refresh-2");
        post(path, null);
        assertEquals(3, upstream.tokenRequests(), "a new key, or none, runs again");
    }

    @Test
    void theSameKeyForADifferentRequestIsA422() throws Exception {
        post("/v1/tenants/acme/connections/idem/refresh", "shared-key");

        HttpResponse<String> reused = post("/v1/tenants/acme/connections/idem/token/invalidate", "shared-key");

        assertEquals(422, reused.statusCode(), reused.body());
        assertTrue(reused.body().contains("urn:tokenbroker:problem:idempotency-key-reused"));
    }

    @Test
    void aMalformedKeyIsA400() throws Exception {
        assertEquals(400, post("/v1/tenants/acme/connections/idem/refresh", "x".repeat(300)).statusCode());
    }
}
