package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real exchanges with the whole broker, each checked against the OpenAPI document it serves (swagger-request-
 * validator): the document describes what the broker does, success and problem answers alike.
 */
@MicronautTest
@Property(name = "tokenbroker.upstream.resilience.min-interval", value = "0s")
class ApiContractEndToEndTest {

    private static final String CONNECTION = "/v1/tenants/acme/connections/documented";
    private static final String PROBLEMS = "/v1/tenants/acme/connections/problems";

    @Inject
    EmbeddedServer server;

    private BrokerClient broker;
    private ApiContract contract;
    private SandboxUpstream upstream;

    @BeforeEach
    void start() throws IOException {
        broker = new BrokerClient(server.getURI());
        contract = new ApiContract(new BrokerClient(server.getURI(), null).get("/openapi.yml").body());
        upstream = SandboxUpstream.start(0, "doc-client", "doc-secret", Duration.ofSeconds(600));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private String connectionJson() {
        return "{\"provider\":\"oauth2\",\"token_url\":\"" + upstream.tokenUrl()
                + "\",\"client_id\":\"doc-client\",\"client_secret\":\"doc-secret\",\"scopes\":[\"read\"]}";
    }

    private HttpResponse<String> put(String path, String json) {
        return contract.check(broker.put(path, json), json);
    }

    private HttpResponse<String> post(String path, String json) {
        return contract.check(broker.post(path, json), json);
    }

    private HttpResponse<String> get(String path) {
        return contract.check(broker.get(path), null);
    }

    @Test
    void connectionTokenStatusAndRefreshLogFlowsMatchTheDocument() {
        assertEquals(201, put(CONNECTION, connectionJson()).statusCode());
        assertEquals(200, put(CONNECTION, connectionJson()).statusCode());
        assertEquals(200, get(CONNECTION).statusCode());
        assertEquals(200, get(CONNECTION + "/token").statusCode());
        assertEquals(200, get(CONNECTION + "/token?min_valid_for=300").statusCode());
        assertEquals(204, post(CONNECTION + "/token/invalidate", "{\"access_token\":\"an-old-one\"}").statusCode());
        assertEquals(204, post(CONNECTION + "/token/invalidate", null).statusCode());
        assertEquals(200, post(CONNECTION + "/refresh", null).statusCode());
        assertEquals(200, get(CONNECTION + "/status").statusCode());
        assertEquals(200, get("/v1/status?limit=10").statusCode());
        assertEquals(200, get(CONNECTION + "/refresh-log?limit=5").statusCode());
        HttpResponse<String> csv = contract.check(broker.get(CONNECTION + "/refresh-log?limit=1", "text/csv"), null);
        assertEquals(200, csv.statusCode());
        assertEquals(204, contract.check(broker.delete(CONNECTION), null).statusCode());
    }

    @Test
    void apiKeyFlowsMatchTheDocument() {
        String create = "{\"name\":\"documented\",\"scopes\":[\"token:read\"],\"tenants\":[\"acme\"]}";
        HttpResponse<String> created = post("/v1/api-keys", create);
        assertEquals(201, created.statusCode());
        String id = (String) body(created).get("id");

        assertEquals(200, get("/v1/api-keys").statusCode());
        HttpResponse<String> rotated = post("/v1/api-keys/" + id + "/rotate", "{\"grace_seconds\":0}");
        assertEquals(201, rotated.statusCode());
        assertEquals(204, contract.check(broker.delete("/v1/api-keys/" + body(rotated).get("id")), null)
                .statusCode());
    }

    @Test
    void problemAnswersMatchTheDocument() {
        assertEquals(404, get("/v1/tenants/acme/connections/nothing-here/token").statusCode());
        assertEquals(404, contract.check(broker.delete("/v1/api-keys/nosuchkey0000001"), null).statusCode());
        put(PROBLEMS, connectionJson());
        assertEquals(422, get(PROBLEMS + "/token?min_valid_for=601").statusCode());
        // Wrong on purpose, so only the answers are checked: the requests break the document's rules.
        assertEquals(400, contract.checkAnswer(broker.post(PROBLEMS + "/token/invalidate", "{\"access_token\":42}"))
                .statusCode());
        assertEquals(400, contract.checkAnswer(broker.get(PROBLEMS + "/token?min_valid_for=abc")).statusCode());
        assertEquals(400, contract.checkAnswer(broker.get("/v1/tenants/ACME!/connections/x/token")).statusCode());
        assertEquals(401, contract.checkAnswer(new BrokerClient(server.getURI(), null).get(PROBLEMS)).statusCode());
        assertEquals(403, contract.checkAnswer(broker.as(auditorOfTheTenant()).get(PROBLEMS + "/token"))
                .statusCode());
    }

    private String auditorOfTheTenant() {
        HttpResponse<String> created = broker.post("/v1/api-keys",
                "{\"name\":\"auditor\",\"scopes\":[\"logs:read\"],\"tenants\":[\"acme\"]}");
        assertEquals(201, created.statusCode(), created.body());
        return (String) body(created).get("key");
    }
}
