package io.tokenbroker.bootstrap.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tokenbroker.bootstrap.LocalRedis;
import io.tokenbroker.bootstrap.TestKeyRing;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/grafana/tokenbroker.json and deploy/prometheus/alerts.yaml name only metrics a broker exports: a broker over
 * a real Redis with the scheduler on (so the Redis and scheduler meters exist) serves a little traffic against a
 * real upstream (so the lazily created timers exist), then its /prometheus is scraped and every metric name in
 * every expression looked up.
 */
class DashboardAndAlertMetricsTest {

    /** Not the broker's: Prometheus' own target health and the blackbox exporter's readiness probe. */
    private static final Set<String> NOT_FROM_THE_BROKER = Set.of("up", "probe_success");
    private static final String ADMIN_KEY = "tbk_deploymetrics001_DeployMetricsAdminKeyDeployMetricsAdminKey1";
    private static final String CLIENT_SECRET = "deploy-metrics-secret";
    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");
    private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) ");

    private static LocalRedis redis;
    private static EmbeddedServer broker;
    private static String scraped;

    @BeforeAll
    static void scrapeABrokerThatServedTraffic() throws IOException {
        redis = LocalRedis.start();
        broker = ApplicationContext.run(EmbeddedServer.class, Map.of(
                "micronaut.server.port", -1,
                "redis.uri", redis.uri(),
                TestKeyRing.PROPERTY, TestKeyRing.KEYS,
                "tokenbroker.redis.command-timeout", "5s",
                "tokenbroker.scheduler.enabled", true,
                "tokenbroker.scheduler.ticker.enabled", true,
                "tokenbroker.bootstrap-admin-key", ADMIN_KEY));
        try (SandboxUpstream upstream = SandboxUpstream.start(0, "deploy-metrics", CLIENT_SECRET,
                Duration.ofSeconds(600))) {
            String connection = "/v1/tenants/deploy/connections/";
            for (String[] pair : new String[][] {{"served", CLIENT_SECRET}, {"refused", "wrong-secret"}}) {
                assertEquals(201, send("PUT", connection + pair[0], "{\"provider\":\"oauth2\",\"token_url\":\""
                        + upstream.tokenUrl() + "\",\"client_id\":\"deploy-metrics\",\"client_secret\":\""
                        + pair[1] + "\"}").statusCode());
            }
            assertEquals(200, send("GET", connection + "served/token", null).statusCode());
            assertEquals(200, send("GET", connection + "served/token", null).statusCode());
            assertEquals(502, send("GET", connection + "refused/token", null).statusCode());
        }
        HttpResponse<String> metrics = send("GET", "/prometheus", null);
        assertEquals(200, metrics.statusCode());
        scraped = metrics.body();
    }

    @AfterAll
    static void stop() throws IOException {
        if (broker != null) {
            broker.getApplicationContext().close();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    private static HttpResponse<String> send(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(broker.getURI() + path))
                .header("X-API-Key", ADMIN_KEY).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException failed) {
            throw new IllegalStateException(method + " " + path, failed);
        }
    }

    /** Series names as scraped, plus the family names of histograms (their _bucket/_count/_sum series). */
    private static Set<String> exported() {
        Set<String> names = new TreeSet<>();
        for (Pattern pattern : List.of(SAMPLE, TYPE)) {
            Matcher matcher = pattern.matcher(scraped);
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
        }
        return names;
    }

    /** Expression by where it stands: panel title or alert name. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> dashboardExpressions() throws IOException {
        Map<String, Object> dashboard = JsonMapper.createDefault().readValue(
                DeployFiles.text("deploy/grafana/tokenbroker.json"), Map.class);
        Map<String, String> expressions = new TreeMap<>();
        for (Map<String, Object> panel : (List<Map<String, Object>>) dashboard.get("panels")) {
            List<Map<String, Object>> targets = (List<Map<String, Object>>) panel.getOrDefault("targets", List.of());
            for (Map<String, Object> target : targets) {
                expressions.put(panel.get("title") + " " + target.get("refId"), target.get("expr").toString());
            }
        }
        return expressions;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> alertExpressions() {
        Map<String, String> expressions = new TreeMap<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) DeployFiles.yaml("deploy/prometheus/alerts.yaml")
                .get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                expressions.put(rule.get("alert").toString(), rule.get("expr").toString());
            }
        }
        return expressions;
    }

    private static List<String> unknownMetrics(Map<String, String> expressions) {
        Set<String> exported = exported();
        List<String> unknown = new ArrayList<>();
        expressions.forEach((where, expression) -> {
            Set<String> names = PromQl.metricNames(expression);
            if (names.isEmpty()) {
                unknown.add(where + ": names no metric in " + expression);
            }
            names.stream().filter(name -> !exported.contains(name) && !NOT_FROM_THE_BROKER.contains(name))
                    .forEach(name -> unknown.add(where + ": " + name));
            PromQl.bucketBounds(expression).stream().filter(le -> !scraped.contains("le=\"" + le + "\""))
                    .forEach(le -> unknown.add(where + ": no bucket le=\"" + le + "\""));
        });
        return unknown;
    }

    @Test
    void everyDashboardExpressionNamesAMetricTheBrokerExports() throws IOException {
        Map<String, String> expressions = dashboardExpressions();
        assertTrue(expressions.size() >= 20, "the panels were read: " + expressions.keySet());
        assertEquals(List.of(), unknownMetrics(expressions));
    }

    @Test
    void everyAlertExpressionNamesAMetricTheBrokerExports() {
        Map<String, String> expressions = alertExpressions();
        assertTrue(expressions.size() >= 10, "the rules were read: " + expressions.keySet());
        assertEquals(List.of(), unknownMetrics(expressions));
    }

    @Test
    void theDashboardShowsWhatAnOperatorWatches() throws IOException {
        Set<String> shown = new TreeSet<>();
        dashboardExpressions().values().forEach(expression -> shown.addAll(PromQl.metricNames(expression)));
        for (String metric : List.of("tokenbroker_token_requests_total", "tokenbroker_connection_events_total",
                "tokenbroker_circuits", "tokenbroker_scheduler_lag_seconds_bucket", "tokenbroker_redis_down",
                "tokenbroker_redis_outages_total", "tokenbroker_webhook_deliveries_total",
                "tokenbroker_refresh_log_dropped")) {
            assertTrue(shown.contains(metric), metric + " in " + shown);
        }
    }

    @Test
    void theCheckRejectsAMetricTheBrokerDoesNotExport() {
        List<String> unknown = unknownMetrics(new TreeMap<>(Map.of(
                "made up", "sum(rate(tokenbroker_made_up_outages_total[5m]))"
                        + " / on (instance) tokenbroker_token_requests_total{outcome=\"miss\"}",
                "made-up bucket", "tokenbroker_scheduler_lag_seconds_bucket{le=\"42.0\"}")));
        assertEquals(List.of("made up: tokenbroker_made_up_outages_total",
                "made-up bucket: no bucket le=\"42.0\""), unknown);
    }

    @Test
    void theOperationsGuideLinksTheRulesFileInsteadOfKeepingACopy() {
        String guide = DeployFiles.text("docs/operations.md");
        assertTrue(guide.contains("deploy/prometheus/alerts.yaml"));
        assertFalse(guide.contains("- alert: "), "the rules live in one file");
        assertFalse(exported().isEmpty());
    }
}
