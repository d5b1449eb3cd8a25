package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.connection.ConnectionKey;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operations surface over real HTTP, on the embedded default, against a real sandbox upstream. */
@MicronautTest
@Property(name = "tokenbroker.upstream.resilience.min-interval", value = "0s")
class OperationsEndToEndTest {

    private static final String CLIENT_ID = "ops-client";
    private static final String CLIENT_SECRET = "ops-secret-never-echoed";

    @Inject
    EmbeddedServer server;
    @Inject
    RefreshLog refreshLog;

    private BrokerClient admin;
    private SandboxUpstream upstream;

    @BeforeEach
    void start() throws IOException {
        admin = new BrokerClient(server.getURI());
        upstream = SandboxUpstream.start(0, CLIENT_ID, CLIENT_SECRET, Duration.ofSeconds(600));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void aManualRefreshIssuesANewTokenAnswersItsExpiryAndWritesAManualLogRow() {
        register("ops", "manual");
        String before = token("ops", "manual");

        HttpResponse<String> refreshed = admin.post("/v1/tenants/ops/connections/manual/refresh", null);

        assertEquals(200, refreshed.statusCode(), refreshed.body());
        Map<String, Object> body = body(refreshed);
        assertFalse(refreshed.body().contains("access_token"), "the refresh answer carries no token");
        Instant expiresAt = Instant.parse((String) body.get("expires_at"));
        assertTrue(expiresAt.isAfter(Instant.now()), refreshed.body());
        assertTrue(((Number) body.get("expires_in")).longValue() > 0);
        assertNotEquals(before, token("ops", "manual"), "callers get the renewed token");
        assertEquals(2, upstream.tokenRequests());
        List<RefreshAttempt> rows = refreshLog.recent(ConnectionKey.of("ops", "manual"), 10);
        assertEquals(List.of(RefreshAttempt.Trigger.MANUAL, RefreshAttempt.Trigger.REQUEST),
                rows.stream().map(RefreshAttempt::trigger).toList());
    }

    @Test
    void aManualRefreshNeedsTheRefreshScopeAndTheTenant() {
        register("ops", "guarded");
        String reader = issueKey("[\"token:read\"]", "[\"ops\"]");
        String otherTenant = issueKey("[\"token:refresh\"]", "[\"elsewhere\"]");

        assertEquals(403, admin.as(reader).post("/v1/tenants/ops/connections/guarded/refresh", null).statusCode());
        assertEquals(404, admin.as(otherTenant).post("/v1/tenants/ops/connections/guarded/refresh", null)
                .statusCode());
        assertEquals(404, admin.post("/v1/tenants/ops/connections/nothing/refresh", null).statusCode());
        assertEquals(0, upstream.tokenRequests());
    }

    @Test
    void statusShowsAHealthyConnectionWithItsExpiryAndLastRefresh() {
        register("ops", "fine");
        token("ops", "fine");
        String reader = issueKey("[\"logs:read\"]", "[\"ops\"]");

        HttpResponse<String> response = admin.as(reader).get("/v1/tenants/ops/connections/fine/status");

        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> status = body(response);
        assertEquals("healthy", status.get("health"));
        assertTrue(Instant.parse((String) status.get("expires_at")).isAfter(Instant.now()));
        long secondsLeft = ((Number) status.get("seconds_until_expiry")).longValue();
        assertTrue(secondsLeft > 500 && secondsLeft <= 600, response.body());
        assertEquals(false, status.get("needs_refresh"));
        assertEquals("closed", status.get("circuit_state"));
        assertEquals(0, ((Number) status.get("consecutive_failures")).intValue());
        @SuppressWarnings("unchecked")
        Map<String, Object> last = (Map<String, Object>) status.get("last_refresh");
        assertEquals("success", last.get("outcome"));
        assertEquals("request", last.get("trigger"));
        assertTrue(status.containsKey("refresh_token_expires_at"));
        assertFalse(response.body().contains(CLIENT_SECRET));
        assertEquals(1, upstream.tokenRequests(), "reading status calls no upstream");
    }

    @Test
    void aConnectionWhoseUpstreamRefusesItIsFailingAndAnUnknownOneIsA404() {
        admin.put("/v1/tenants/ops/connections/refused", "{\"provider\":\"oauth2\",\"token_url\":\""
                + upstream.tokenUrl() + "\",\"client_id\":\"" + CLIENT_ID + "\",\"client_secret\":\"wrong\"}");
        assertEquals(502, admin.get("/v1/tenants/ops/connections/refused/token").statusCode());

        Map<String, Object> status = body(admin.get("/v1/tenants/ops/connections/refused/status"));

        assertEquals("failing", status.get("health"));
        assertEquals(1, ((Number) status.get("consecutive_failures")).intValue());
        assertEquals(true, status.get("needs_refresh"));
        assertEquals(null, status.get("expires_at"));
        assertEquals(404, admin.get("/v1/tenants/ops/connections/nothing/status").statusCode());
    }

    @Test
    void theStatusListShowsOnlyTheCallersTenantsPageByPageWithASummaryOfAll() {
        register("list-a", "one");
        register("list-a", "two");
        register("list-a", "three");
        register("list-b", "hidden");
        token("list-a", "one");
        BrokerClient scoped = admin.as(issueKey("[\"token:read\"]", "[\"list-a\"]"));

        Map<String, Object> first = body(scoped.get("/v1/status?limit=2"));
        String cursor = (String) first.get("next_cursor");
        Map<String, Object> second = body(scoped.get("/v1/status?limit=2&cursor=" + cursor));

        assertEquals(List.of("one", "three"), names(first));
        assertEquals(List.of("two"), names(second));
        assertEquals(null, second.get("next_cursor"));
        assertEquals(Map.of("total", 3, "healthy", 1, "expiring", 0, "expired", 2, "failing", 0, "needs_reauth", 0),
                first.get("summary"));
        assertEquals(first.get("summary"), second.get("summary"));
        assertEquals(400, scoped.get("/v1/status?limit=0").statusCode());
        assertEquals(400, scoped.get("/v1/status?cursor=%25%25").statusCode());
    }

    @Test
    void theRefreshLogPagesNewestFirstWithTotalsAndItsCsvParsesBackToTheSameRows() {
        String wrongSecret = "{\"provider\":\"oauth2\",\"token_url\":\"" + upstream.tokenUrl()
                + "\",\"client_id\":\"" + CLIENT_ID + "\",\"client_secret\":\"wrong\"}";
        admin.put("/v1/tenants/ops/connections/audited", wrongSecret);
        assertEquals(502, admin.get("/v1/tenants/ops/connections/audited/token").statusCode());
        register("ops", "audited");
        token("ops", "audited");
        assertEquals(200, admin.post("/v1/tenants/ops/connections/audited/refresh", null).statusCode());
        BrokerClient auditor = admin.as(issueKey("[\"logs:read\"]", "[\"ops\"]"));
        String path = "/v1/tenants/ops/connections/audited/refresh-log";

        Map<String, Object> first = body(auditor.get(path + "?limit=2"));
        Map<String, Object> second = body(auditor.get(path + "?limit=2&cursor=" + first.get("next_cursor")));

        assertEquals(List.of("manual", "request"), column(first, "trigger"));
        assertEquals(List.of("request"), column(second, "trigger"));
        assertEquals(List.of("failure"), column(second, "outcome"));
        assertEquals(null, second.get("next_cursor"));
        @SuppressWarnings("unchecked")
        Map<String, Object> totals = (Map<String, Object>) first.get("totals");
        assertEquals(3, ((Number) totals.get("attempts")).intValue());
        assertEquals(2, ((Number) totals.get("successes")).intValue());
        assertEquals(1, ((Number) totals.get("failures")).intValue());

        HttpResponse<String> csv = auditor.get(path + "?limit=10", "text/csv");
        assertEquals(200, csv.statusCode(), csv.body());
        assertTrue(csv.headers().firstValue("Content-Type").orElseThrow().startsWith("text/csv"));
        List<List<String>> table = Csv.parse(csv.body());
        List<String> header = table.get(0);
        List<Map<String, String>> csvRows = table.subList(1, table.size()).stream().map(cells -> {
            Map<String, String> row = new java.util.LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), cells.get(i));
            }
            return row;
        }).toList();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> jsonRows = (List<Map<String, Object>>) body(auditor.get(path + "?limit=10"))
                .get("attempts");
        List<Map<String, String>> expected = jsonRows.stream().map(row -> {
            Map<String, String> asText = new java.util.LinkedHashMap<>();
            header.forEach(column -> asText.put(column, row.get(column) == null ? "" : row.get(column).toString()));
            return asText;
        }).toList();
        assertEquals(3, csvRows.size());
        assertEquals(expected, csvRows);
        assertFalse(csv.body().contains(CLIENT_SECRET));
        assertEquals(403, admin.as(issueKey("[\"token:read\"]", "[\"ops\"]")).get(path).statusCode());
    }

    @SuppressWarnings("unchecked")
    private static List<Object> column(Map<String, Object> page, String name) {
        return ((List<Map<String, Object>>) page.get("attempts")).stream().map(row -> row.get(name)).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> names(Map<String, Object> page) {
        return ((List<Map<String, Object>>) page.get("connections")).stream()
                .map(connection -> connection.get("connection")).toList();
    }

    private String issueKey(String scopes, String tenants) {
        HttpResponse<String> created = admin.post("/v1/api-keys",
                "{\"name\":\"ops\",\"scopes\":" + scopes + ",\"tenants\":" + tenants + "}");
        assertEquals(201, created.statusCode(), created.body());
        return (String) body(created).get("key");
    }

    private void register(String tenant, String connection) {
        HttpResponse<String> response = admin.put("/v1/tenants/" + tenant + "/connections/" + connection,
                "{\"provider\":\"oauth2\",\"token_url\":\"" + upstream.tokenUrl() + "\",\"client_id\":\"" + CLIENT_ID
                        + "\",\"client_secret\":\"" + CLIENT_SECRET + "\"}");
        assertTrue(response.statusCode() == 201 || response.statusCode() == 200, response.body());
    }

    private String token(String tenant, String connection) {
        HttpResponse<String> response = admin.get("/v1/tenants/" + tenant + "/connections/" + connection + "/token");
        assertEquals(200, response.statusCode(), response.body());
        return (String) body(response).get("access_token");
    }

}
