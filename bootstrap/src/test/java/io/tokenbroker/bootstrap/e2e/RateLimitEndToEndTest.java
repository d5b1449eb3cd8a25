package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The N+1st request inside the window is a 429 with Retry-After; every answer says how much is left. */
@MicronautTest
@Property(name = "tokenbroker.rate-limit.per-key", value = "3")
class RateLimitEndToEndTest {

    @Inject
    EmbeddedServer server;

    @Test
    void theRequestBeyondTheKeysLimitIsA429WithRetryAfter() {
        BrokerClient admin = new BrokerClient(server.getURI());
        HttpResponse<String> first = admin.get("/v1/api-keys");
        assertEquals("3", first.headers().firstValue("RateLimit-Limit").orElseThrow());
        assertEquals("2", first.headers().firstValue("RateLimit-Remaining").orElseThrow());
        admin.get("/v1/api-keys");
        admin.get("/v1/api-keys");

        HttpResponse<String> refused = admin.get("/v1/api-keys");

        assertEquals(429, refused.statusCode(), refused.body());
        assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(refused.body().contains("urn:tokenbroker:problem:rate-limited"));
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "within the window: " + retryAfter);
        assertEquals("0", refused.headers().firstValue("RateLimit-Remaining").orElseThrow());
    }
}
