package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and clumsy input, each sent raw over HTTP: every answer must be a 4xx problem+json — never a 500, never
 * a stack trace, never the secret the request carried.
 */
@MicronautTest
class BadInputEndToEndTest {

    private static final String SECRET = "bad-input-secret-zz9";
    private static final String CONNECTION = "/v1/tenants/acme/connections/crm";
    private static final String VALID = "{\"provider\":\"oauth2\",\"token_url\":\"http://127.0.0.1:9/token\","
            + "\"client_id\":\"c\",\"client_secret\":\"" + SECRET + "\"}";

    @Inject
    EmbeddedServer server;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void registerOne() throws Exception {
        send("PUT", CONNECTION, "application/json", VALID);
    }

    static Stream<Arguments> cases() {
        String big = "{\"provider\":\"oauth2\",\"client_id\":\"" + "x".repeat(70_000) + "\"}";
        return Stream.of(
                // malformed JSON
                Arguments.of("PUT", CONNECTION, "application/json", "{"),
                Arguments.of("PUT", CONNECTION, "application/json", "{\"provider\":\"oauth2\","),
                Arguments.of("PUT", CONNECTION, "application/json", "not json at all " + SECRET),
                Arguments.of("PUT", CONNECTION, "application/json", "[1,2,3]"),
                Arguments.of("PUT", CONNECTION, "application/json", "null"),
                Arguments.of("PUT", CONNECTION, "application/json", "\"a string\""),
                Arguments.of("PUT", CONNECTION, "application/json", ""),
                Arguments.of("PUT", CONNECTION, "application/json", "{\"provider\":\"oauth2\",}"),
                Arguments.of("PUT", CONNECTION, "application/json", "{'provider':'oauth2'}"),
                Arguments.of("PUT", CONNECTION, "application/json", "\u0000\u0001\u0002"),
                // wrong types
                Arguments.of("PUT", CONNECTION, "application/json", "{\"provider\":1}"),
                Arguments.of("PUT", CONNECTION, "application/json", "{\"provider\":\"oauth2\",\"scopes\":\"read\"}"),
                Arguments.of("PUT", CONNECTION, "application/json", "{\"provider\":\"oauth2\",\"scopes\":[1,{}]}"),
                Arguments.of("PUT", CONNECTION, "application/json", "{\"provider\":[\"oauth2\"]}"),
                Arguments.of("PUT", CONNECTION, "application/json", "{\"provider\":\"oauth2\",\"extra_params\":[]}"),
                Arguments.of("PUT", CONNECTION, "application/json", "{\"provider\":true,\"client_secret\":\"" + SECRET + "\"}"),
                // missing, unknown, impossible fields
                Arguments.of("PUT", CONNECTION, "application/json", "{}"),
                Arguments.of("PUT", CONNECTION, "application/json", VALID.replace("{", "{\"unknown\":1,")),
                Arguments.of("PUT", CONNECTION, "application/json", VALID.replace("oauth2", "OAuth3")),
                Arguments.of("PUT", CONNECTION, "application/json", VALID.replace("http://127.0.0.1:9/token", "javascript:alert(1)")),
                Arguments.of("PUT", CONNECTION, "application/json", VALID.replace("http://127.0.0.1:9/token", "http://[::1")),
                Arguments.of("PUT", CONNECTION, "application/json", VALID.replace("\"c\"", "\"\"")),
                Arguments.of("PUT", CONNECTION, "application/json", VALID.replace("{", "{\"scopes\":[\"a b\"],")),
                Arguments.of("PUT", CONNECTION, "application/json", VALID.replace("{", "{\"extra_params\":{\"grant_type\":\"password\"},")),
                Arguments.of("PUT", CONNECTION, "application/json", VALID.replace("{", "{\"region\":\"mypurecloud.com\",")),
                // duplicate keys and huge numbers
                Arguments.of("PUT", CONNECTION, "application/json", "{\"provider\":\"oauth2\",\"provider\":\"qpay\"}"),
                Arguments.of("PUT", CONNECTION, "application/json", "{\"provider\":1e999999999}"),
                Arguments.of("POST", "/v1/api-keys", "application/json", "{\"name\":\"x\",\"scopes\":[\"admin\"],\"tenants\":[\"*\"],\"expires_at\":99999999999999999999}"),
                Arguments.of("POST", "/v1/api-keys/abcdefghij012345/rotate", "application/json", "{\"grace_seconds\":1e40}"),
                Arguments.of("POST", "/v1/api-keys/abcdefghij012345/rotate", "application/json", "{\"grace_seconds\":-5}"),
                // Bean Validation: sizes and required fields
                Arguments.of("PUT", CONNECTION, "application/json", VALID.replace("\"c\"", "\"" + "c".repeat(600) + "\"")),
                Arguments.of("PUT", CONNECTION, "application/json", VALID.replace("{", "{\"scopes\":[\"\"],")),
                Arguments.of("POST", "/v1/api-keys", "application/json", "{\"name\":\"" + "n".repeat(101) + "\",\"scopes\":[\"admin\"],\"tenants\":[\"*\"]}"),
                Arguments.of("POST", "/v1/api-keys", "application/json", "{\"name\":\"x\",\"scopes\":[],\"tenants\":[\"*\"]}"),
                // oversize body
                Arguments.of("PUT", CONNECTION, "application/json", big),
                // media type
                Arguments.of("PUT", CONNECTION, "text/plain", VALID),
                Arguments.of("PUT", CONNECTION, null, VALID),
                Arguments.of("PUT", CONNECTION, "application/xml", "<connection/>"),
                // ids: overlong, unicode, control characters, traversal
                Arguments.of("GET", "/v1/tenants/" + "a".repeat(65) + "/connections/crm/token", null, null),
                Arguments.of("GET", "/v1/tenants/%C3%A4cme/connections/crm/token", null, null),
                Arguments.of("GET", "/v1/tenants/acme%0A/connections/crm/token", null, null),
                Arguments.of("GET", "/v1/tenants/acme/connections/..%2F..%2Fetc%2Fpasswd/token", null, null),
                Arguments.of("GET", "/v1/tenants/acme/connections/%2e%2e/token", null, null),
                Arguments.of("GET", "/v1/tenants/acme/connections/crm%00/token", null, null),
                Arguments.of("GET", "/v1/tenants/%20/connections/crm/token", null, null),
                Arguments.of("GET", "/v1/tenants/acme/connections/%F0%9F%94%91/token", null, null),
                Arguments.of("DELETE", "/v1/api-keys/NOT-AN-ID", null, null),
                // wrong methods and routes
                Arguments.of("PATCH", CONNECTION, "application/json", VALID),
                Arguments.of("DELETE", CONNECTION + "/token", null, null),
                Arguments.of("GET", "/v1/nothing-here", null, null),
                // invalidate bodies
                Arguments.of("POST", CONNECTION + "/token/invalidate", "application/json", "{\"access_token\":42}"),
                Arguments.of("POST", CONNECTION + "/token/invalidate", "application/json", "{\"token\":\"x\"}"),
                Arguments.of("POST", CONNECTION + "/token/invalidate", "application/json", "{"));
    }

    @ParameterizedTest(name = "{index}: {0} {1}")
    @MethodSource("cases")
    void everyBadRequestIsAClean4xxProblem(String method, String path, String contentType, String body)
            throws Exception {
        HttpResponse<String> response = send(method, path, contentType, body);

        int status = response.statusCode();
        assertTrue(status >= 400 && status < 500, status + " " + response.body());
        if (status != 413) {
            assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        }
        assertFalse(response.body().contains("Exception"), response.body());
        assertFalse(response.body().contains("\tat "), response.body());
        assertFalse(response.body().contains(SECRET), response.body());
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURI() + path))
                .header("X-API-Key", BrokerClient.ADMIN_KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
