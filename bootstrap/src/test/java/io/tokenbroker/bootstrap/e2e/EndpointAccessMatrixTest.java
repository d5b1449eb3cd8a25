package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every API endpoint, three ways: no key → 401; a key without the endpoint's scope → 403; a key with the scope but
 * for another tenant → 404 (tenant-scoped endpoints), the same answer a missing connection gets.
 */
@MicronautTest
class EndpointAccessMatrixTest {

    private static final String C = "/v1/tenants/acme/connections/matrix";
    private static final String CONNECTION_JSON = "{\"provider\":\"oauth2\",\"token_url\":\"http://127.0.0.1:9/t\","
            + "\"client_id\":\"m\",\"client_secret\":\"matrix-secret\"}";

    @Inject
    EmbeddedServer server;
    @Inject
    JsonMapper json;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void register() throws Exception {
        send("PUT", C, CONNECTION_JSON, BrokerClient.ADMIN_KEY);
    }

    /** method, path, body, a scope that does NOT open it, the scope that does, whether it is tenant-scoped. */
    static Stream<Arguments> endpoints() {
        return Stream.of(
                Arguments.of("GET", C + "/token", null, "logs:read", "token:read", true),
                Arguments.of("POST", C + "/token/invalidate", "{}", "logs:read", "token:read", true),
                Arguments.of("PUT", C, CONNECTION_JSON, "token:read", "connections:write", true),
                Arguments.of("GET", C, null, "token:refresh", "connections:write", true),
                Arguments.of("DELETE", C + "-other", null, "token:read", "connections:write", true),
                Arguments.of("POST", C + "/refresh", null, "token:read", "token:refresh", true),
                Arguments.of("GET", C + "/status", null, "token:refresh", "logs:read", true),
                Arguments.of("GET", C + "/refresh-log", null, "token:read", "logs:read", true),
                Arguments.of("GET", C + "/refresh-log/verify", null, "token:read", "logs:read", true),
                Arguments.of("GET", "/v1/audit/status", null, "token:read", "logs:read", false),
                Arguments.of("POST", "/v1/audit/checkpoints", null, "logs:read", "admin", false),
                Arguments.of("POST", C + "/connect", "{}", "token:read", "connections:write", true),
                Arguments.of("GET", "/v1/status", null, "connections:write", "logs:read", false),
                Arguments.of("GET", "/v1/api-keys", null, "connections:write", "admin", false),
                Arguments.of("POST", "/v1/api-keys", "{\"name\":\"x\",\"scopes\":[\"token:read\"],\"tenants\":[\"*\"]}",
                        "connections:write", "admin", false),
                Arguments.of("DELETE", "/v1/api-keys/zzzzzzzzzzzzzzzz", null, "token:read", "admin", false),
                Arguments.of("POST", "/v1/api-keys/zzzzzzzzzzzzzzzz/rotate", "{}", "logs:read", "admin", false),
                Arguments.of("GET", "/v1/proxy/acme/crm/orders", null, "token:read", "proxy:use", true),
                Arguments.of("POST", "/v1/proxy/acme/crm/orders", "{}", "connections:write", "proxy:use", true));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void withoutAKeyWithoutTheScopeAndForAnotherTenant(String method, String path, String body, String wrongScope,
                                                        String rightScope, boolean tenantScoped) throws Exception {
        assertEquals(401, send(method, path, body, null).statusCode(), "no key");
        assertEquals(403, send(method, path, body, key(wrongScope, "acme")).statusCode(), "missing scope");
        if (tenantScoped) {
            assertEquals(404, send(method, path, body, key(rightScope, "globex")).statusCode(), "another tenant");
        }
    }

    @SuppressWarnings("unchecked")
    private String key(String scope, String tenant) throws Exception {
        HttpResponse<String> created = send("POST", "/v1/api-keys", "{\"name\":\"matrix\",\"scopes\":[\"" + scope
                + "\"],\"tenants\":[\"" + tenant + "\"]}", BrokerClient.ADMIN_KEY);
        assertEquals(201, created.statusCode(), created.body());
        return (String) json.readValue(created.body(), Map.class).get("key");
    }

    private HttpResponse<String> send(String method, String path, String body, String apiKey)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURI() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (apiKey != null) {
            request.header("X-API-Key", apiKey);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
