package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code min_valid_for} over real HTTP against a real sandbox upstream (600 s tokens); the test moves the broker's
 * clock, so "100 s left" is exact. The connection's minimum refresh interval keeps its default (1 s).
 */
@MicronautTest
@Property(name = "tokenbroker.test.min-valid-for-clock", value = "true")
class MinValidForEndToEndTest {

    private static final TestClock CLOCK = TestClock.at(Instant.parse("2031-01-01T00:00:00Z"));

    @Inject
    EmbeddedServer server;

    private BrokerClient broker;
    private SandboxUpstream upstream;

    @BeforeEach
    void start() throws IOException {
        broker = new BrokerClient(server.getURI());
        upstream = SandboxUpstream.start(0, "mvf-client", "mvf-secret", Duration.ofSeconds(600));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void aTokenWithHundredSecondsLeftIsReplacedForACallerWhoNeedsThreeHundredOnce() throws Exception {
        register("burst");
        String first = token("/v1/tenants/acme/connections/burst/token");
        CLOCK.advance(Duration.ofSeconds(500));
        assertEquals(first, token("/v1/tenants/acme/connections/burst/token"), "100 s left: fine for anyone else");
        // A slow upstream keeps the refresh in flight while the other callers arrive.
        upstream.setResponseDelay(Duration.ofMillis(300));

        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            calls.add(broker.getAsync("/v1/tenants/acme/connections/burst/token?min_valid_for=300"));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        Set<Object> tokens = calls.stream().map(CompletableFuture::join).map(response -> {
            assertEquals(200, response.statusCode(), response.body());
            Map<String, Object> token = body(response);
            assertTrue(((Number) token.get("expires_in")).longValue() >= 300, response.body());
            return token.get("access_token");
        }).collect(Collectors.toSet());
        assertEquals(1, tokens.size());
        assertNotEquals(first, tokens.iterator().next());
        assertEquals(2, upstream.tokenRequests(), "one refresh for the whole burst");
    }

    @Test
    void aWishNoTokenOfTheConnectionCanMeetIsA422() {
        register("short");

        HttpResponse<String> fresh = broker.get("/v1/tenants/acme/connections/short/token?min_valid_for=601");
        HttpResponse<String> known = broker.get("/v1/tenants/acme/connections/short/token?min_valid_for=601");

        assertProblem(fresh, 422, "min-validity-unsatisfiable");
        assertProblem(known, 422, "min-validity-unsatisfiable");
        assertEquals(1, upstream.tokenRequests(), "decided on the fresh token, then up front");
        assertEquals(200, broker.get("/v1/tenants/acme/connections/short/token?min_valid_for=600").statusCode());
    }

    @Test
    void aValueThatIsNotAWholeNonNegativeNumberOfSecondsIsA400() {
        register("bad");

        for (String value : List.of("abc", "-5", "1.5", "%20", "1e3", "99999999999")) {
            assertProblem(broker.get("/v1/tenants/acme/connections/bad/token?min_valid_for=" + value), 400,
                    "invalid-request");
        }
        assertEquals(0, upstream.tokenRequests());
    }

    private void register(String connection) {
        HttpResponse<String> response = broker.put("/v1/tenants/acme/connections/" + connection,
                "{\"provider\":\"oauth2\",\"token_url\":\"" + upstream.tokenUrl()
                        + "\",\"client_id\":\"mvf-client\",\"client_secret\":\"mvf-secret\"}");
        assertEquals(201, response.statusCode(), response.body());
    }

    private String token(String path) {
        HttpResponse<String> response = broker.get(path);
        assertEquals(200, response.statusCode(), response.body());
        return (String) body(response).get("access_token");
    }

    private static void assertProblem(HttpResponse<String> response, int status, String slug) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("urn:tokenbroker:problem:" + slug, body(response).get("type"), response.body());
    }

    /** The movable clock, only for this test's context. */
    @Factory
    @Requires(property = "tokenbroker.test.min-valid-for-clock", value = "true")
    static class TestBeans {

        @Singleton
        @Replaces(Clock.class)
        Clock clock() {
            return CLOCK;
        }
    }
}
