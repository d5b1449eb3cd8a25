package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The egress policy over real HTTP, with loopback standing in for the broker's own network: loopback is private to
 * a tenant, so a tenant-scoped key can neither save nor use a connection into it, and the local upstream never sees
 * a request; an admin key can.
 */
@MicronautTest
class EgressEndToEndTest {

    /** One connection per test: the context, and its stored connections, outlive each test. */
    private static final String CONNECTIONS = "/v1/tenants/acme/connections/";
    /** Not in DNS when the connection is saved; pointed at loopback before the token is asked for. */
    private static final String REBOUND = "tenant-api.test";

    @Inject
    EmbeddedServer server;
    @Inject
    OfflineHostResolver resolver;

    private BrokerClient admin;
    private BrokerClient tenant;
    private SandboxUpstream sandbox;

    @BeforeEach
    void start() throws IOException {
        admin = new BrokerClient(server.getURI());
        HttpResponse<String> created = admin.post("/v1/api-keys", "{\"name\":\"acme-app\","
                + "\"scopes\":[\"connections:write\",\"token:read\"],\"tenants\":[\"acme\"]}");
        assertEquals(201, created.statusCode(), created.body());
        tenant = admin.as((String) body(created).get("key"));
        sandbox = SandboxUpstream.start(0, "client", "secret", Duration.ofSeconds(600));
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private static String connection(String tokenUrl) {
        return "{\"provider\":\"oauth2\",\"token_url\":\"" + tokenUrl
                + "\",\"client_id\":\"client\",\"client_secret\":\"secret\"}";
    }

    @Test
    void aTenantKeyCannotSaveALoopbackTokenUrlAndTheUpstreamSeesNothing() {
        HttpResponse<String> refused = tenant.put(CONNECTIONS + "refused", connection(sandbox.tokenUrl().toString()));

        assertEquals(400, refused.statusCode(), refused.body());
        Map<String, Object> problem = body(refused);
        assertTrue(problem.get("type").toString().endsWith("upstream-not-allowed"), refused.body());
        assertTrue(problem.get("detail").toString().startsWith("token_url:"), refused.body());
        assertEquals(404, admin.get(CONNECTIONS + "refused").statusCode(), "nothing was stored");
        assertEquals(0, sandbox.tokenRequests());
    }

    @Test
    void aTenantKeyCannotNameLoopbackThroughASettingEither() {
        HttpResponse<String> refused = tenant.put(CONNECTIONS + "refused-setting",
                "{\"provider\":\"auth-service\",\"url\":\""
                + sandbox.baseUrl() + SandboxUpstream.AUTH_SERVICE_PATH + "\"}");

        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(body(refused).get("detail").toString().startsWith("url:"), refused.body());
    }

    @Test
    void aProvidersOwnAuthorizeEndpointIsCheckedAtSaveLikeAGivenOne() {
        resolver.pointAtLoopback("appcenter.intuit.com"); // Intuit's authorize host, as a hostile DNS might answer
        String quickbooks = "{\"provider\":\"quickbooks\",\"client_id\":\"client\",\"client_secret\":\"secret\"}";

        HttpResponse<String> refused = tenant.put(CONNECTIONS + "consent-at-home", quickbooks);

        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(body(refused).get("detail").toString().startsWith("authorization_url:"), refused.body());
        assertEquals(404, admin.get(CONNECTIONS + "consent-at-home").statusCode(), "nothing was stored");
        assertEquals(201, admin.put(CONNECTIONS + "consent-at-home", quickbooks).statusCode(),
                "an operator may, as with any private address");
    }

    @Test
    void anAdminKeyMaySaveItAndTheTokenWorks() {
        HttpResponse<String> saved = admin.put(CONNECTIONS + "admin-saved", connection(sandbox.tokenUrl().toString()));
        assertEquals(201, saved.statusCode(), saved.body());

        HttpResponse<String> token = tenant.get(CONNECTIONS + "admin-saved/token");

        assertEquals(200, token.statusCode(), token.body());
        assertEquals("operator", body(admin.get(CONNECTIONS + "admin-saved")).get("saved_by"));
        assertEquals(1, sandbox.tokenRequests());
    }

    @Test
    void aNameThatResolvesToLoopbackOnlyAfterTheSaveCannotBeUsed() {
        String rebound = "http://" + REBOUND + ":" + sandbox.port() + SandboxUpstream.TOKEN_PATH;
        HttpResponse<String> saved = tenant.put(CONNECTIONS + "rebound", connection(rebound));
        assertEquals(201, saved.statusCode(), "a name that does not resolve is not refused at save time");
        assertEquals("tenant", body(admin.get(CONNECTIONS + "rebound")).get("saved_by"));
        resolver.pointAtLoopback(REBOUND);

        HttpResponse<String> token = tenant.get(CONNECTIONS + "rebound/token");

        assertEquals(502, token.statusCode(), token.body());
        assertTrue(body(token).get("detail").toString().contains("upstream_not_allowed"), token.body());
        assertEquals(0, sandbox.tokenRequests(), "the local upstream saw no request");
    }
}
