package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.tokenbroker.bootstrap.ProxyFactory;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the proxy's connections cost, on loopback only: a name is looked up when a connection to it is opened, once,
 * and not for a request over a pooled one; both proxy clients (tenant- and operator-saved connections) open their
 * connections on one group of event loops. The names are the test resolver's, which counts who asks.
 */
@MicronautTest
@Property(name = "tokenbroker.proxy.allow-insecure-loopback", value = "true")
@Property(name = "tokenbroker.egress.allowed-hosts", value = "token.test, localhost")
class ProxyConnectionsEndToEndTest {

    /** An {@code http} API must be on loopback: by name, or (which the resolver is asked about too) by address. */
    private static final String TENANT_API = "localhost";
    private static final String OPERATOR_API = "127.0.0.1";
    private static final int CALLS = 5;

    @Inject
    EmbeddedServer server;
    @Inject
    OfflineHostResolver resolver;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private SandboxUpstream upstream;
    private ProxiedApi api;
    private BrokerClient admin;

    @BeforeEach
    void start() throws IOException {
        upstream = SandboxUpstream.start(0, "loops-client", "loops-secret", Duration.ofSeconds(600));
        api = new ProxiedApi();
        resolver.pointAtLoopback("token.test");
        admin = new BrokerClient(server.getURI());
    }

    @AfterEach
    void stop() {
        api.close();
        upstream.close();
    }

    @Test
    void aNameIsLookedUpOncePerNewConnectionAndNotForARequestOverAPooledOne() throws Exception {
        save(asTenant(), "pooled", "http://" + TENANT_API);
        int before = resolver.lookupThreads(TENANT_API).size();

        assertEquals(200, call("pooled").statusCode());
        assertEquals(1, resolver.lookupThreads(TENANT_API).size() - before, "one lookup, to open the connection");

        for (int call = 2; call <= CALLS; call++) {
            HttpResponse<String> answer = call("pooled");
            assertEquals(200, answer.statusCode(), answer.body());
        }
        assertTrue(api.connections() < CALLS, "a pooled connection was reused: " + api.connections());
        assertEquals(api.connections(), resolver.lookupThreads(TENANT_API).size() - before,
                "one lookup per connection opened, none per request");
    }

    @Test
    void aNameThatDoesNotResolveWhenConnectingIsAnsweredAsUnreachable() throws Exception {
        save(admin, "nowhere", "https://nowhere.test"); // not refused at save: it may be internal to where it runs

        HttpResponse<String> answer = call("nowhere");

        assertEquals(502, answer.statusCode(), answer.body());
        assertEquals("urn:tokenbroker:problem:proxy-upstream-unreachable", body(answer).get("type"));
        assertEquals(0, api.received().size());
    }

    @Test
    void tenantAndOperatorClientsOpenTheirConnectionsOnOneGroupOfProxyThreads() throws Exception {
        save(asTenant(), "tenant-saved", "http://" + TENANT_API);
        save(admin, "operator-saved", "http://" + OPERATOR_API);

        assertEquals(200, call("tenant-saved").statusCode());
        assertEquals(200, call("operator-saved").statusCode());

        String tenants = last(resolver.lookupThreads(TENANT_API));
        String operators = last(resolver.lookupThreads(OPERATOR_API));
        assertTrue(tenants.startsWith(ProxyFactory.EVENT_LOOP_THREADS + "-"), tenants);
        assertEquals(group(tenants), group(operators), "one group: " + tenants + ", " + operators);
    }

    /** A key for tenant acme that may save connections: its connections are tenant-saved. */
    private BrokerClient asTenant() {
        HttpResponse<String> created = admin.post("/v1/api-keys", "{\"name\":\"loops-app\","
                + "\"scopes\":[\"connections:write\",\"token:read\"],\"tenants\":[\"acme\"]}");
        return admin.as((String) body(created).get("key"));
    }

    private void save(BrokerClient as, String connection, String apiOrigin) {
        URI tokenUrl = URI.create("http://token.test:" + upstream.tokenUrl().getPort() + upstream.tokenUrl().getPath());
        HttpResponse<String> saved = as.put("/v1/tenants/acme/connections/" + connection,
                "{\"provider\":\"oauth2\",\"token_url\":\"" + tokenUrl + "\",\"client_id\":\"loops-client\","
                        + "\"client_secret\":\"loops-secret\",\"api_base_url\":\"" + apiOrigin + ":"
                        + api.uri("/").getPort() + "/api\"}");
        assertTrue(saved.statusCode() == 201 || saved.statusCode() == 200, saved.body());
    }

    private HttpResponse<String> call(String connection) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.getURI() + "/v1/proxy/acme/" + connection + "/x"))
                .header("X-API-Key", BrokerClient.ADMIN_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String last(List<String> threads) {
        assertTrue(!threads.isEmpty(), "looked up");
        return threads.get(threads.size() - 1);
    }

    /** Netty names a group's threads {@code <prefix>-<group number>-<thread number>}. */
    private static String group(String thread) {
        return thread.substring(0, thread.lastIndexOf('-'));
    }
}
