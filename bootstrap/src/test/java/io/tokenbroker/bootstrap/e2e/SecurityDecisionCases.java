package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.runtime.server.EmbeddedServer;
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

/**
 * What security answers, asserted identically against the broker's {@code ImmediateSecurityFilter} and against
 * micronaut-security's own {@code SecurityFilter} (the subclasses), through a real server: the immediate path must
 * decide exactly as the framework does. Keys are used twice where it matters, since the first use of a new key is
 * verified (and decided by the framework's reactive path) and the next ones are answered from memory.
 */
abstract class SecurityDecisionCases {

    static final String TOKEN = "/v1/tenants/acme/connections/crm/token";

    @Inject
    EmbeddedServer server;

    @Inject
    VerdictHeaderRule verdicts;

    BrokerClient admin;
    private SandboxUpstream sandbox;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws IOException {
        admin = new BrokerClient(server.getURI());
        sandbox = SandboxUpstream.start(0, "client", "secret", Duration.ofSeconds(600));
        HttpResponse<String> put = admin.put("/v1/tenants/acme/connections/crm", "{\"provider\":\"oauth2\","
                + "\"token_url\":\"" + sandbox.tokenUrl() + "\",\"client_id\":\"client\",\"client_secret\":\"secret\"}");
        assertEquals(2, put.statusCode() / 100, put.body());
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    String issue(String scope, String tenant) {
        HttpResponse<String> created = admin.post("/v1/api-keys", "{\"name\":\"decisions\",\"scopes\":[\"" + scope
                + "\"],\"tenants\":[\"" + tenant + "\"]}");
        assertEquals(201, created.statusCode(), created.body());
        return (String) body(created).get("key");
    }

    /** GET with an optional key and an optional verdict for {@link VerdictHeaderRule}. */
    HttpResponse<String> get(String path, String key, String verdict) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.getURI().resolve(URI.create(path)));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        if (verdict != null) {
            request.header(VerdictHeaderRule.HEADER, verdict);
        }
        try {
            return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException failed) {
            throw new AssertionError(failed);
        }
    }

    private static void assertProblem(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(status, ((Number) body(response).get("status")).intValue());
    }

    @Test
    void aKeyWithTheScopeGetsItsTokenOnFirstAndLaterUse() {
        String reader = issue("token:read", "acme");
        for (int use = 1; use <= 3; use++) {
            HttpResponse<String> answer = get(TOKEN, reader, null);
            assertEquals(200, answer.statusCode(), "use " + use + ": " + answer.body());
            assertTrue(body(answer).containsKey("access_token"), answer.body());
        }
    }

    @Test
    void withoutAKeyTheTokenIsA401Problem() {
        assertProblem(401, get(TOKEN, null, null));
        assertProblem(401, get("/v1/api-keys", null, null));
    }

    @Test
    void anUnknownOrWrongKeyIsA401Problem() {
        assertProblem(401, get(TOKEN, "tbk_testadmin0000001_" + "W".repeat(43), null));
        assertProblem(401, get(TOKEN, "let-me-in", null));
    }

    @Test
    void aKeyWithoutTheScopeIsA403ProblemOnFirstAndLaterUse() {
        String writer = issue("connections:write", "acme");
        for (int use = 1; use <= 3; use++) {
            assertProblem(403, get(TOKEN, writer, null));
        }
        assertProblem(403, get("/v1/api-keys", writer, null));
    }

    @Test
    void aKeyForAnotherTenantGetsTheMissingConnectionAnswer() {
        String globex = issue("token:read", "globex");
        HttpResponse<String> missing = get("/v1/tenants/acme/connections/nothing/token", BrokerClient.ADMIN_KEY, null);
        for (int use = 1; use <= 2; use++) {
            HttpResponse<String> hidden = get(TOKEN, globex, null);
            assertEquals(404, hidden.statusCode(), hidden.body());
            assertEquals(body(missing).get("detail"), body(hidden).get("detail"));
        }
    }

    @Test
    void openRoutesNeedNoKeyAndUnknownRoutesAre404ForEveryone() {
        assertEquals(200, get("/health", null, null).statusCode());
        assertEquals(404, get("/v1/no-such-route", null, null).statusCode());
        assertEquals(404, get("/v1/no-such-route", BrokerClient.ADMIN_KEY, null).statusCode());
    }

    @Test
    void aRuleThatAnswersLaterIsHeardForAnonymousAndAuthenticatedCallers() {
        String reader = issue("token:read", "acme");
        get(TOKEN, reader, null); // verified: from now on its fetcher answers at once

        assertProblem(403, get(TOKEN, reader, "later-reject"));
        assertProblem(401, get(TOKEN, null, "later-reject"));
        assertEquals(200, get(TOKEN, reader, "later-unknown").statusCode(), "no opinion: @Secured decides");
        assertProblem(403, get("/v1/api-keys", reader, "later-unknown"));
        assertProblem(401, get(TOKEN, null, "later-unknown"));
        HttpResponse<String> allowed = get(TOKEN, null, "later-allow");
        assertEquals(200, allowed.statusCode(), "an allowing rule lets even an anonymous caller in: "
                + allowed.body());
    }
}
