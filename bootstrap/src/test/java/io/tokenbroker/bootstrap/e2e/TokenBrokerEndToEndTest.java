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
import io.tokenbroker.bootstrap.demo.DemoSandbox;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
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

/** The whole broker on its embedded default, over real HTTP, against a real sandbox upstream. */
@MicronautTest
@Property(name = "tokenbroker.demo.enabled", value = "true")
@Property(name = "tokenbroker.upstream.resilience.min-interval", value = "0s")
class TokenBrokerEndToEndTest {

    private static final String CLIENT_ID = "e2e-client";
    private static final String CLIENT_SECRET = "e2e-secret-never-echoed";

    @Inject
    EmbeddedServer server;
    @Inject
    DemoSandbox demo;

    private BrokerClient broker;
    private SandboxUpstream upstream;

    @BeforeEach
    void start() throws IOException {
        broker = new BrokerClient(server.getURI());
        upstream = SandboxUpstream.start(0, CLIENT_ID, CLIENT_SECRET, Duration.ofSeconds(600));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void theDemoConnectionServesTheSameTokenTwiceWithOneUpstreamCall() throws IOException {
        SandboxUpstream sandbox = demo.sandbox().orElseThrow();
        long before = sandbox.tokenRequests();

        HttpResponse<String> first = broker.get("/v1/tenants/demo/connections/sandbox/token");
        HttpResponse<String> second = broker.get("/v1/tenants/demo/connections/sandbox/token");

        assertEquals(200, first.statusCode());
        assertEquals("no-store", first.headers().firstValue("Cache-Control").orElseThrow());
        Map<String, Object> token = body(first);
        assertEquals(token.get("access_token"), body(second).get("access_token"));
        assertEquals("Bearer", token.get("token_type"));
        assertTrue(((Number) token.get("expires_in")).longValue() > 0);
        assertTrue(token.get("expires_at").toString().endsWith("Z"));
        assertEquals(0, before, "no other test uses the demo connection");
        assertEquals(1, sandbox.tokenRequests());
    }

    @Test
    void twoHundredConcurrentCallersOnAColdKeyCauseOneUpstreamCall() throws Exception {
        register("acme", "cold", "client_secret_basic");
        // A slow upstream keeps the refresh in flight while the other callers arrive.
        upstream.setResponseDelay(Duration.ofMillis(300));

        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(broker.getAsync("/v1/tenants/acme/connections/cold/token"));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        Set<Object> tokens = calls.stream().map(CompletableFuture::join).map(response -> {
            assertEquals(200, response.statusCode(), response.body());
            return body(response).get("access_token");
        }).collect(Collectors.toSet());
        assertEquals(1, tokens.size());
        assertEquals(1, upstream.tokenRequests());
    }

    @Test
    void clientSecretPostWorksToo() {
        register("acme", "post", "client_secret_post");

        assertEquals(200, broker.get("/v1/tenants/acme/connections/post/token").statusCode());
    }

    @Test
    void invalidatingAStaleTokenKeepsTheFreshOne() {
        register("acme", "crm", "client_secret_basic");
        String fresh = token("acme", "crm");

        HttpResponse<String> invalidated = broker.post("/v1/tenants/acme/connections/crm/token/invalidate",
                "{\"access_token\":\"an-old-token-from-yesterday\"}");

        assertEquals(204, invalidated.statusCode());
        assertEquals(fresh, token("acme", "crm"));
        assertEquals(1, upstream.tokenRequests());
    }

    @Test
    void invalidatingTheCurrentTokenFetchesANewOne() {
        register("acme", "crm", "client_secret_basic");
        String current = token("acme", "crm");

        broker.post("/v1/tenants/acme/connections/crm/token/invalidate", "{\"access_token\":\"" + current + "\"}");

        assertNotEquals(current, token("acme", "crm"));
        assertEquals(2, upstream.tokenRequests());
    }

    @Test
    void invalidatingWithoutABodyDropsWhateverIsCached() {
        register("acme", "crm", "client_secret_basic");
        String current = token("acme", "crm");

        assertEquals(204, broker.post("/v1/tenants/acme/connections/crm/token/invalidate", null).statusCode());

        assertNotEquals(current, token("acme", "crm"));
    }

    @Test
    void aConnectionIsCreatedReplacedShownWithoutSecretsAndRemoved() {
        assertEquals(201, register("acme", "life", "client_secret_basic").statusCode());
        assertEquals(200, register("acme", "life", "client_secret_basic").statusCode());

        HttpResponse<String> shown = broker.get("/v1/tenants/acme/connections/life");
        assertEquals(200, shown.statusCode());
        assertFalse(shown.body().contains(CLIENT_SECRET));
        assertEquals(CLIENT_ID, body(shown).get("client_id"));

        assertEquals(204, broker.delete("/v1/tenants/acme/connections/life").statusCode());
        assertProblem(broker.get("/v1/tenants/acme/connections/life"), 404, "connection-not-found");
        assertProblem(broker.get("/v1/tenants/acme/connections/life/token"), 404, "connection-not-found");
    }

    @Test
    void anUnknownConnectionIsA404Problem() {
        assertProblem(broker.get("/v1/tenants/acme/connections/nothing-here/token"), 404, "connection-not-found");
        assertProblem(broker.post("/v1/tenants/acme/connections/nothing-here/token/invalidate", "{}"), 404,
                "connection-not-found");
    }

    @Test
    void malformedIdsAreA400Problem() {
        assertProblem(broker.get("/v1/tenants/bad%20tenant/connections/crm/token"), 400, "invalid-identifier");
        assertProblem(broker.get("/v1/tenants/acme/connections/" + "x".repeat(65) + "/token"), 400,
                "invalid-identifier");
        assertProblem(broker.get("/v1/tenants/acme/connections/a%2Fb/token"), 400, "invalid-identifier");
    }

    @Test
    void malformedJsonIsA400ProblemThatDoesNotEchoTheBody() {
        HttpResponse<String> response = broker.put("/v1/tenants/acme/connections/crm",
                "{\"provider\":\"oauth2\",\"client_secret\":\"" + CLIENT_SECRET + "\",");

        assertProblem(response, 400, "bad-request");
        assertFalse(response.body().contains(CLIENT_SECRET));
    }

    @Test
    void unknownFieldsAndImpossibleValuesAreA400Problem() {
        assertProblem(broker.put("/v1/tenants/acme/connections/crm", connectionJson("client_secret_basic")
                .replace("{", "{\"surprise\":true,")), 400, "bad-request");
        assertProblem(broker.put("/v1/tenants/acme/connections/crm", connectionJson("client_secret_basic")
                .replace("oauth2", "carrier-pigeon")), 400, "invalid-request");
        assertProblem(broker.put("/v1/tenants/acme/connections/crm", connectionJson("telepathy")), 400,
                "invalid-request");
        assertProblem(broker.put("/v1/tenants/acme/connections/crm",
                "{\"provider\":\"oauth2\",\"token_url\":\"ftp://x\",\"client_id\":\"a\",\"client_secret\":\""
                        + CLIENT_SECRET + "\"}"), 400, "invalid-request");
        assertProblem(broker.put("/v1/tenants/acme/connections/crm", "{\"provider\":\"oauth2\"}"), 400,
                "invalid-request");
    }

    @Test
    void anUpstreamThatRefusesTheCredentialsIsA502Problem() {
        broker.put("/v1/tenants/acme/connections/wrong", connectionJson("client_secret_basic")
                .replace(CLIENT_SECRET, "not-the-secret"));

        HttpResponse<String> response = broker.get("/v1/tenants/acme/connections/wrong/token");

        assertProblem(response, 502, "upstream-rejected");
        assertTrue(response.body().contains("invalid_client"), response.body());
        assertFalse(response.body().contains("not-the-secret"));
    }

    @Test
    void anUnreachableUpstreamIsA503ProblemAndOpensTheCircuitWhichSaysWhenToComeBack() {
        register("acme", "down", "client_secret_basic");
        upstream.close();

        assertProblem(broker.get("/v1/tenants/acme/connections/down/token"), 503, "upstream-unavailable");
        assertProblem(broker.get("/v1/tenants/acme/connections/down/token"), 503, "upstream-unavailable");
        HttpResponse<String> open = broker.get("/v1/tenants/acme/connections/down/token");

        assertProblem(open, 503, "token-unavailable");
        long retryAfter = Long.parseLong(open.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 30, "within the open period: " + retryAfter);
    }

    private HttpResponse<String> register(String tenant, String connection, String authMethod) {
        HttpResponse<String> response = broker.put("/v1/tenants/" + tenant + "/connections/" + connection,
                connectionJson(authMethod));
        assertTrue(response.statusCode() == 201 || response.statusCode() == 200, response.body());
        return response;
    }

    private String connectionJson(String authMethod) {
        return "{\"provider\":\"oauth2\",\"token_url\":\"" + upstream.tokenUrl() + "\",\"client_id\":\"" + CLIENT_ID
                + "\",\"client_secret\":\"" + CLIENT_SECRET + "\",\"scopes\":[\"read\",\"write\"],"
                + "\"auth_method\":\"" + authMethod + "\"}";
    }

    private String token(String tenant, String connection) {
        HttpResponse<String> response = broker.get("/v1/tenants/" + tenant + "/connections/" + connection + "/token");
        assertEquals(200, response.statusCode(), response.body());
        return (String) body(response).get("access_token");
    }

    private void assertProblem(HttpResponse<String> response, int status, String slug) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        Map<String, Object> problem = body(response);
        assertEquals("urn:tokenbroker:problem:" + slug, problem.get("type"), response.body());
        assertEquals(status, ((Number) problem.get("status")).intValue());
        assertFalse(response.body().contains("Exception"), response.body());
        assertFalse(response.body().contains("\tat "), response.body());
        assertFalse(response.body().contains(CLIENT_SECRET), response.body());
    }

}
