package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Property;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every provider type through the running broker against the sandbox upstream, which speaks the OAuth2, QPay and
 * internal-auth-service dialects: first token, the cached second call, and for the rotating providers two
 * refreshes in a row (which fail if a rotated refresh token was not kept, since the sandbox accepts each once).
 */
@MicronautTest
@Property(name = "tokenbroker.upstream.resilience.min-interval", value = "0s")
class ProviderEndToEndTest {

    private static final String ID = "provider-client";
    private static final String SECRET = "provider-secret";

    @Inject
    EmbeddedServer server;
    @Inject
    JsonMapper json;

    private BrokerClient broker;
    private SandboxUpstream sandbox;

    @BeforeEach
    void start() throws IOException {
        broker = new BrokerClient(server.getURI());
        sandbox = SandboxUpstream.start(0, ID, SECRET, Duration.ofSeconds(600));
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    @Test
    void genesysThroughItsRegionWithTheEndpointOverridden() {
        register("genesys", "\"provider\":\"genesys\",\"region\":\"mypurecloud.ie\",\"token_url\":\""
                + sandbox.tokenUrl() + "\"," + credentials());

        assertCachedAfterOneCall("genesys");
    }

    @Test
    void ebayApplicationToken() {
        register("ebay", "\"provider\":\"ebay\",\"environment\":\"sandbox\",\"token_url\":\"" + sandbox.tokenUrl()
                + "\",\"scopes\":[\"https://api.ebay.com/oauth/api_scope\"]," + credentials());

        assertCachedAfterOneCall("ebay");
    }

    @Test
    void anInternalAuthServiceWithABareToken() {
        register("internal", "\"provider\":\"auth-service\",\"url\":\"" + sandbox.baseUrl()
                + SandboxUpstream.AUTH_SERVICE_PATH + "\"");

        Map<String, Object> token = assertCachedAfterOneCall("internal");
        long expiresIn = ((Number) token.get("expires_in")).longValue();
        assertTrue(expiresIn > 3200 && expiresIn <= 3300, "the default lifetime applies: " + expiresIn);
    }

    @Test
    void quickbooksRotatesItsRefreshTokenOnEveryRefreshAndTheBrokerKeepsUp() {
        register("quickbooks", "\"provider\":\"quickbooks\",\"realm_id\":\"9130347\",\"token_url\":\""
                + sandbox.tokenUrl() + "\",\"refresh_token\":\"" + sandbox.issueRefreshToken() + "\"," + credentials());

        String first = accessToken("quickbooks");
        String second = refreshAfterInvalidating("quickbooks", first);
        String third = refreshAfterInvalidating("quickbooks", second);

        assertNotEquals(first, second);
        assertNotEquals(second, third);
        assertEquals(3, sandbox.tokenRequests());
        String shown = broker.get("/v1/tenants/acme/connections/quickbooks").body();
        assertTrue(shown.contains("\"has_refresh_token\":true"), shown);
        assertTrue(shown.contains("\"realm_id\":\"9130347\""), shown);
        assertFalse(shown.contains(SECRET), shown);
    }

    @Test
    void qpayFirstTokenThenRefreshWithItsRotatedRefreshToken() {
        register("qpay", "\"provider\":\"qpay\",\"base_url\":\"" + sandbox.baseUrl() + "\"," + credentials());

        Map<String, Object> first = assertCachedAfterOneCall("qpay");
        long epochRead = ((Number) first.get("expires_in")).longValue();
        assertTrue(epochRead > 500 && epochRead <= 600, "an epoch expires_in read as one: " + epochRead);
        String second = refreshAfterInvalidating("qpay", (String) first.get("access_token"));
        String third = refreshAfterInvalidating("qpay", second);

        assertNotEquals(second, third);
        assertEquals(3, sandbox.tokenRequests(), "one token request, then two refreshes");
    }

    @Test
    void aRevokedQuickbooksRefreshTokenNeedsReauthorisationAndStopsCallingIntuit() {
        register("revoked", "\"provider\":\"quickbooks\",\"token_url\":\"" + sandbox.tokenUrl()
                + "\",\"refresh_token\":\"never-issued\"," + credentials());

        HttpResponse<String> refused = broker.get("/v1/tenants/acme/connections/revoked/token");
        HttpResponse<String> marked = broker.get("/v1/tenants/acme/connections/revoked/token");

        assertEquals(502, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("invalid_grant"), refused.body());
        assertEquals(409, marked.statusCode(), marked.body());
        assertTrue(marked.body().contains("urn:tokenbroker:problem:reauthorization-required"), marked.body());
        assertEquals(1, sandbox.tokenRequests());
        assertFalse(marked.body().contains("never-issued"));
        assertTrue(broker.get("/v1/tenants/acme/connections/revoked").body().contains("needs_reauthorization_since"));
    }

    @Test
    void aFieldOfAnotherProviderIsRefusedByName() {
        HttpResponse<String> response = broker.put("/v1/tenants/acme/connections/mixed",
                "{\"provider\":\"genesys\",\"region\":\"mypurecloud.com\",\"realm_id\":\"1\"," + credentials() + "}");

        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("does not accept the setting realm_id"), response.body());
        assertFalse(response.body().contains(SECRET));
    }

    private String credentials() {
        return "\"client_id\":\"" + ID + "\",\"client_secret\":\"" + SECRET + "\"";
    }

    private void register(String connection, String fields) {
        HttpResponse<String> response = broker.put("/v1/tenants/acme/connections/" + connection, "{" + fields + "}");
        assertEquals(201, response.statusCode(), response.body());
    }

    private Map<String, Object> assertCachedAfterOneCall(String connection) {
        Map<String, Object> first = token(connection);
        Map<String, Object> second = token(connection);
        assertEquals(first.get("access_token"), second.get("access_token"));
        assertEquals(1, sandbox.tokenRequests());
        return first;
    }

    private String refreshAfterInvalidating(String connection, String current) {
        HttpResponse<String> invalidated = broker.post("/v1/tenants/acme/connections/" + connection
                + "/token/invalidate", "{\"access_token\":\"" + current + "\"}");
        assertEquals(204, invalidated.statusCode());
        return accessToken(connection);
    }

    private String accessToken(String connection) {
        return (String) token(connection).get("access_token");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> token(String connection) {
        HttpResponse<String> response = broker.get("/v1/tenants/acme/connections/" + connection + "/token");
        assertEquals(200, response.statusCode(), response.body());
        try {
            return json.readValue(response.body(), Map.class);
        } catch (IOException notJson) {
            throw new AssertionError(response.body(), notJson);
        }
    }
}
