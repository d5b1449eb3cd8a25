package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Probes and the scraper reach /health and /prometheus without a key; nothing else opens up. */
@MicronautTest
@Property(name = "tokenbroker.upstream.resilience.min-interval", value = "0s")
class HealthAndMetricsEndToEndTest {

    private static final String SECRET = "metrics-secret-never-exposed";

    @Inject
    EmbeddedServer server;

    @Test
    void healthLivenessAndReadinessAnswerAnonymousProbes() {
        BrokerClient anonymous = new BrokerClient(server.getURI(), null);

        for (String path : List.of("/health", "/health/liveness", "/health/readiness")) {
            HttpResponse<String> response = anonymous.get(path);
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            assertTrue(response.body().contains("\"status\":\"UP\""), path + ": " + response.body());
        }
    }

    @Test
    void onlyHealthAndPrometheusAreOpenAndOtherManagementEndpointsDoNotExist() {
        BrokerClient anonymous = new BrokerClient(server.getURI(), null);

        assertEquals(401, anonymous.get("/v1/status").statusCode());
        int post = anonymous.post("/health", null).statusCode();
        assertTrue(post == 401 || post == 405, "only GET is opened: " + post);
        for (String path : List.of("/beans", "/env", "/loggers", "/routes", "/metrics")) {
            int status = anonymous.get(path).statusCode();
            assertNotEquals(200, status, path);
            assertNotEquals(200, new BrokerClient(server.getURI()).get(path).statusCode(), path + " with a key");
        }
    }

    @Test
    void prometheusExposesTheBrokersMetricsAfterTrafficWithoutTenantsOrSecrets() throws IOException {
        BrokerClient admin = new BrokerClient(server.getURI());
        try (SandboxUpstream upstream = SandboxUpstream.start(0, "metrics-client", SECRET, Duration.ofSeconds(600))) {
            admin.put("/v1/tenants/tenant-in-no-label/connections/metered", "{\"provider\":\"oauth2\",\"token_url\":\""
                    + upstream.tokenUrl() + "\",\"client_id\":\"metrics-client\",\"client_secret\":\"" + SECRET + "\"}");
            admin.put("/v1/tenants/tenant-in-no-label/connections/refused", "{\"provider\":\"oauth2\",\"token_url\":\""
                    + upstream.tokenUrl() + "\",\"client_id\":\"metrics-client\",\"client_secret\":\"wrong\"}");
            assertEquals(200, admin.get("/v1/tenants/tenant-in-no-label/connections/metered/token").statusCode());
            assertEquals(200, admin.get("/v1/tenants/tenant-in-no-label/connections/metered/token").statusCode());
            assertEquals(502, admin.get("/v1/tenants/tenant-in-no-label/connections/refused/token").statusCode());
        }

        HttpResponse<String> scraped = new BrokerClient(server.getURI(), null).get("/prometheus");

        assertEquals(200, scraped.statusCode());
        String metrics = scraped.body();
        for (String expected : List.of(
                "tokenbroker_token_requests_total{outcome=\"cache_hit\"} 1.0",
                "tokenbroker_token_requests_total{outcome=\"miss\"} 1.0",
                "tokenbroker_token_requests_total{outcome=\"error\"} 1.0",
                // Registered up front, so alerts on them work before the first one happens.
                "tokenbroker_token_requests_total{outcome=\"near_cache_hit\"} 0.0",
                "tokenbroker_token_requests_total{outcome=\"stale_served\"} 0.0",
                "tokenbroker_upstream_calls_total{outcome=\"success\",provider=\"oauth2\",status=\"200\"} 1.0",
                "tokenbroker_upstream_calls_total{outcome=\"rejected\",provider=\"oauth2\",status=\"401\"} 1.0",
                "tokenbroker_refresh_duration_seconds_bucket{outcome=\"success\",provider=\"oauth2\"",
                "tokenbroker_lease_wait_seconds_count{acquired=\"true\"} 2\n",
                "tokenbroker_lease_wait_seconds_bucket{acquired=\"true\"",
                "tokenbroker_circuits{provider=\"oauth2\",state=\"open\"} 0.0",
                "tokenbroker_refresh_log_queue_depth ",
                "tokenbroker_refresh_log_dropped ",
                "tokenbroker_connection_events_total{type=\"token_refreshed\"} 1.0",
                "tokenbroker_connection_events_total{type=\"refresh_failed\"} 1.0",
                "tokenbroker_connection_events_total{type=\"circuit_opened\"} 0.0",
                "tokenbroker_connection_events_total{type=\"needs_reauthorization\"} 0.0",
                "tokenbroker_webhook_deliveries_total{outcome=\"dropped\"} 0.0",
                "tokenbroker_webhook_deliveries_total{outcome=\"given_up\"} 0.0",
                "tokenbroker_webhook_pending ")) {
            assertTrue(metrics.contains(expected), "missing " + expected + " in " + metrics.lines()
                    .filter(line -> line.startsWith("tokenbroker") && !line.contains("_bucket")).toList());
        }
        // Every label of every broker metric is one of a few bounded names: no tenant, connection or secret fits.
        Matcher labels = Pattern.compile("^tokenbroker_\\w+\\{([^}]*)}",
                Pattern.MULTILINE).matcher(metrics);
        Set<String> names = new TreeSet<>();
        while (labels.find()) {
            for (String pair : labels.group(1).split(",")) {
                names.add(pair.substring(0, pair.indexOf('=')));
            }
        }
        assertEquals(Set.of("acquired", "le", "outcome", "provider", "state", "status", "type"), names);
        assertFalse(metrics.contains("tenant-in-no-label"), "no tenant in any label");
        assertFalse(metrics.contains("metered"), "no connection in any label");
        assertFalse(metrics.contains(SECRET));
    }
}
