package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy's own failures when the API does not answer: configurable timeouts, problem answers marked as such. */
@MicronautTest
@Property(name = "tokenbroker.proxy.allow-insecure-loopback", value = "true")
@Property(name = "tokenbroker.proxy.read-timeout", value = "300ms")
class ProxyTimeoutEndToEndTest {

    @Inject
    EmbeddedServer server;

    private BrokerClient broker;
    private SandboxUpstream upstream;
    private ProxiedApi api;

    @BeforeEach
    void start() throws IOException {
        broker = new BrokerClient(server.getURI());
        upstream = SandboxUpstream.start(0, "slow-client", "slow-secret", Duration.ofSeconds(600));
        api = new ProxiedApi();
    }

    @AfterEach
    void stop() {
        api.close();
        upstream.close();
    }

    @Test
    void anApiThatDoesNotAnswerInTimeIsA504OfTheBroker() {
        register("slow", api.uri("/api").toString());

        HttpResponse<String> answer = broker.get("/v1/proxy/acme/slow/hang");
        api.release();

        assertProblem(answer, 504, "proxy-upstream-timeout");
    }

    @Test
    void anApiThatRefusesConnectionsIsA502OfTheBroker() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        register("gone", "http://127.0.0.1:" + closed + "/api");

        assertProblem(broker.get("/v1/proxy/acme/gone/orders"), 502, "proxy-upstream-unreachable");
    }

    private void register(String connection, String apiBaseUrl) {
        HttpResponse<String> response = broker.put("/v1/tenants/acme/connections/" + connection,
                "{\"provider\":\"oauth2\",\"token_url\":\"" + upstream.tokenUrl() + "\",\"client_id\":\"slow-client\","
                        + "\"client_secret\":\"slow-secret\",\"api_base_url\":\"" + apiBaseUrl + "\"}");
        assertEquals(201, response.statusCode(), response.body());
    }

    private static void assertProblem(HttpResponse<String> answer, int status, String slug) {
        assertEquals(status, answer.statusCode(), answer.body());
        assertEquals("urn:tokenbroker:problem:" + slug, body(answer).get("type"));
        assertEquals("true", answer.headers().firstValue("Tokenbroker-Error").orElse(null));
    }
}
