package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stale-if-error over real HTTP against a real sandbox upstream answering 503 (300 s tokens, the default 60 s buffer
 * and 10 s minimum); the test moves the broker's clock, so "50 s left" is exact.
 */
@MicronautTest
@Property(name = "tokenbroker.test.stale-if-error-clock", value = "true")
class StaleIfErrorEndToEndTest {

    private static final TestClock CLOCK = TestClock.at(Instant.parse("2031-06-01T00:00:00Z"));
    private static final String STALE_IF_ERROR = "tokenbroker_token_requests_total\\{outcome=\"stale_if_error\"[^}]*} "
            + "([0-9.]+)";

    @Inject
    EmbeddedServer server;

    private BrokerClient broker;
    private SandboxUpstream upstream;

    @BeforeEach
    void start() throws IOException {
        broker = new BrokerClient(server.getURI());
        upstream = SandboxUpstream.start(0, "sie-client", "sie-secret", Duration.ofSeconds(300));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void anUpstreamAnswering503ServesTheCachedTokenMarkedStaleWhileItLastsTheMinimum() {
        String path = "/v1/tenants/acme/connections/outage/token";
        register("outage");
        HttpResponse<String> fresh = broker.get(path);
        assertEquals(200, fresh.statusCode(), fresh.body());
        assertEquals(Optional.empty(), fresh.headers().firstValue("Tokenbroker-Stale"));
        double staleBefore = staleIfErrorCount();

        CLOCK.advance(Duration.ofSeconds(250)); // inside the 60 s buffer, 50 s left
        upstream.fault(503, Duration.ofMinutes(5), Optional.empty());
        HttpResponse<String> stale = broker.get(path);

        assertEquals(200, stale.statusCode(), stale.body());
        assertEquals(Optional.of("refresh-failed"), stale.headers().firstValue("Tokenbroker-Stale"));
        assertEquals(body(fresh).get("access_token"), body(stale).get("access_token"));
        assertEquals(50, ((Number) body(stale).get("expires_in")).longValue());
        assertEquals(staleBefore + 1, staleIfErrorCount());

        assertEquals(503, broker.get(path + "?min_valid_for=1").statusCode(), "never when a validity was asked");
        CLOCK.advance(Duration.ofSeconds(41)); // 9 s left: under the minimum
        HttpResponse<String> tooLate = broker.get(path);
        assertEquals(503, tooLate.statusCode(), tooLate.body());
        assertEquals(Optional.empty(), tooLate.headers().firstValue("Tokenbroker-Stale"));
        assertTrue(upstream.tokenRequests() > 1, "the broker did try the upstream");
        assertTrue(broker.get("/openapi.yml").body().contains("Tokenbroker-Stale"), "the header is documented");
    }

    private double staleIfErrorCount() {
        HttpResponse<String> scrape = broker.get("/prometheus");
        assertEquals(200, scrape.statusCode());
        Matcher matcher = Pattern.compile(STALE_IF_ERROR).matcher(scrape.body());
        assertTrue(matcher.find(), "the stale_if_error outcome is exported");
        return Double.parseDouble(matcher.group(1));
    }

    private void register(String connection) {
        HttpResponse<String> response = broker.put("/v1/tenants/acme/connections/" + connection,
                "{\"provider\":\"oauth2\",\"token_url\":\"" + upstream.tokenUrl()
                        + "\",\"client_id\":\"sie-client\",\"client_secret\":\"sie-secret\"}");
        assertEquals(201, response.statusCode(), response.body());
    }

    /** The movable clock, only for this test's context. */
    @Factory
    @Requires(property = "tokenbroker.test.stale-if-error-clock", value = "true")
    static class TestBeans {

        @Singleton
        @Replaces(Clock.class)
        Clock clock() {
            return CLOCK;
        }
    }
}
