package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** With loopback on the operator's allowed list, a tenant-scoped key may save and use a connection there. */
@MicronautTest
@Property(name = "tokenbroker.egress.allowed-hosts", value = "internal.example, 127.0.0.0/8")
class EgressAllowedHostsEndToEndTest {

    @Inject
    EmbeddedServer server;

    @Test
    void aTenantKeyMaySaveAndUseALoopbackConnectionTheOperatorAllowed() throws IOException {
        BrokerClient admin = new BrokerClient(server.getURI());
        HttpResponse<String> created = admin.post("/v1/api-keys", "{\"name\":\"acme-app\","
                + "\"scopes\":[\"connections:write\",\"token:read\"],\"tenants\":[\"acme\"]}");
        BrokerClient tenant = admin.as((String) body(created).get("key"));
        try (SandboxUpstream sandbox = SandboxUpstream.start(0, "client", "secret", Duration.ofSeconds(600))) {
            HttpResponse<String> saved = tenant.put("/v1/tenants/acme/connections/internal",
                    "{\"provider\":\"oauth2\",\"token_url\":\"" + sandbox.tokenUrl()
                    + "\",\"client_id\":\"client\",\"client_secret\":\"secret\"}");
            assertEquals(201, saved.statusCode(), saved.body());

            HttpResponse<String> token = tenant.get("/v1/tenants/acme/connections/internal/token");

            assertEquals(200, token.statusCode(), token.body());
            assertEquals(1, sandbox.tokenRequests());
        }
    }
}
