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
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** API keys over real HTTP: 401 without, 403 without the scope, 404 for another tenant, management, throttling. */
@MicronautTest
@Property(name = "tokenbroker.security.max-failures", value = "1000")
class SecurityEndToEndTest {

    private static final String TOKEN = "/v1/tenants/acme/connections/crm/token";

    @Inject
    EmbeddedServer server;

    private BrokerClient admin;
    private SandboxUpstream sandbox;

    @BeforeEach
    void start() throws IOException {
        admin = new BrokerClient(server.getURI());
        sandbox = SandboxUpstream.start(0, "client", "secret", Duration.ofSeconds(600));
        admin.put("/v1/tenants/acme/connections/crm", "{\"provider\":\"oauth2\",\"token_url\":\"" + sandbox.tokenUrl()
                + "\",\"client_id\":\"client\",\"client_secret\":\"secret\"}");
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private String issue(List<String> scopes, List<String> tenants) {
        HttpResponse<String> created = admin.post("/v1/api-keys", "{\"name\":\"ci\",\"scopes\":" + quoted(scopes)
                + ",\"tenants\":" + quoted(tenants) + "}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("no-store", created.headers().firstValue("Cache-Control").orElseThrow());
        return (String) body(created).get("key");
    }

    private static String quoted(List<String> values) {
        return values.stream().map(value -> "\"" + value + "\"").toList().toString();
    }

    @Test
    void withoutAKeyEveryEndpointIsA401Problem() {
        BrokerClient anonymous = admin.as(null);

        for (HttpResponse<String> response : List.of(anonymous.get(TOKEN),
                anonymous.get("/v1/tenants/acme/connections/crm"), anonymous.get("/v1/api-keys"),
                anonymous.post(TOKEN + "/invalidate", "{}"), anonymous.delete("/v1/tenants/acme/connections/crm"))) {
            assertEquals(401, response.statusCode(), response.body());
            assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        }
    }

    @Test
    void aWrongOrMalformedKeyIsA401() {
        assertEquals(401, admin.as("tbk_testadmin0000001_" + "W".repeat(43)).get(TOKEN).statusCode());
        assertEquals(401, admin.as("let-me-in").get(TOKEN).statusCode());
    }

    @Test
    void aKeyWithTheScopeGetsATokenAlsoAsBearer() {
        String reader = issue(List.of("token:read"), List.of("acme"));

        assertEquals(200, admin.as(reader).get(TOKEN).statusCode());
        HttpResponse<String> bearer = new BearerClient(server.getURI(), reader).get(TOKEN);
        assertEquals(200, bearer.statusCode(), bearer.body());
    }

    @Test
    void aKeyWithoutTheScopeIsA403() {
        String reader = issue(List.of("token:read"), List.of("acme"));

        HttpResponse<String> response = admin.as(reader).put("/v1/tenants/acme/connections/crm", "{}");
        assertEquals(403, response.statusCode(), response.body());
        assertEquals(403, admin.as(reader).get("/v1/api-keys").statusCode());
    }

    @Test
    void aKeyForAnotherTenantGetsTheSame404AsAMissingConnection() {
        String globexReader = issue(List.of("token:read"), List.of("globex"));

        HttpResponse<String> hidden = admin.as(globexReader).get(TOKEN);
        HttpResponse<String> missing = admin.get("/v1/tenants/acme/connections/nothing/token");

        assertEquals(404, hidden.statusCode());
        assertEquals(body(missing).get("type"), body(hidden).get("type"));
        assertEquals(body(missing).get("detail"), body(hidden).get("detail"));
    }

    @Test
    void theRequestIdIsEchoedAndCarriedByTheLogLinesOfTheRequest() throws Exception {
        String globexReader = issue(List.of("token:read"), List.of("globex"));
        HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(server.getURI().resolve(TOKEN)).header("X-API-Key", globexReader)
                .header("X-Request-Id", "trace-abc-123").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(404, response.statusCode());
        assertEquals("trace-abc-123", response.headers().firstValue("X-Request-Id").orElseThrow());
        assertEquals(java.util.Optional.of("trace-abc-123"),
                io.tokenbroker.bootstrap.logging.LeakDetectingAppender.requestIdOfLastEventContaining(
                        "outside its scope"), "the warning about the other tenant names the request");
    }

    @Test
    void keysAreListedWithoutSecretsRevokedAtOnceAndRotatedWithGrace() {
        String reader = issue(List.of("token:read"), List.of("*"));
        String id = reader.substring(4, 20);
        assertEquals(200, admin.as(reader).get(TOKEN).statusCode());

        String listed = admin.get("/v1/api-keys").body();
        assertTrue(listed.contains(id), listed);
        assertFalse(listed.contains(reader.substring(21)), "no secret in the listing");

        HttpResponse<String> rotated = admin.post("/v1/api-keys/" + id + "/rotate", "{\"grace_seconds\":600}");
        assertEquals(201, rotated.statusCode(), rotated.body());
        String successor = (String) body(rotated).get("key");
        assertNotEquals(reader, successor);
        assertEquals(200, admin.as(reader).get(TOKEN).statusCode(), "the old key lives through its grace");
        assertEquals(200, admin.as(successor).get(TOKEN).statusCode());

        assertEquals(204, admin.delete("/v1/api-keys/" + id).statusCode());
        assertEquals(401, admin.as(reader).get(TOKEN).statusCode(), "revoked: refused at once");
        assertEquals(404, admin.delete("/v1/api-keys/zzzzzzzzzzzzzzzz").statusCode());
    }

    @Test
    void invalidKeyRequestsAre400Problems() {
        assertEquals(400, admin.post("/v1/api-keys", "{\"name\":\"x\",\"scopes\":[\"root\"],\"tenants\":[\"*\"]}")
                .statusCode());
        assertEquals(400, admin.post("/v1/api-keys", "{\"name\":\"x\",\"scopes\":[\"admin\"]}").statusCode());
        assertEquals(400, admin.post("/v1/api-keys", "{\"name\":\"x\",\"scopes\":[\"admin\"],\"tenants\":[\"a b\"]}")
                .statusCode());
        assertEquals(400, admin.post("/v1/api-keys", "{\"name\":\"x\",\"scopes\":[\"admin\"],\"tenants\":[\"*\"],"
                + "\"expires_at\":\"tomorrow\"}").statusCode());
    }

    /** The same requests with {@code Authorization: Bearer}. */
    private static final class BearerClient {
        private final java.net.URI base;
        private final String key;

        BearerClient(java.net.URI base, String key) {
            this.base = base;
            this.key = key;
        }

        HttpResponse<String> get(String path) {
            try {
                return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                        .newBuilder(base.resolve(path)).header("Authorization", "Bearer " + key).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException | InterruptedException failed) {
                throw new AssertionError(failed);
            }
        }
    }
}
