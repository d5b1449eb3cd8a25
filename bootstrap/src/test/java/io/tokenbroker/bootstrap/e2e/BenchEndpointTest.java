package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark's constant endpoint exists only when asked for, and looks like a token response. */
class BenchEndpointTest {

    @Test
    void offByDefault() {
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class)) {
            assertEquals(404, new BrokerClient(server.getURI()).get("/v1/bench/constant").statusCode());
        }
    }

    @Test
    void whenEnabledBothVariantsAnswerATokenShapedConstant() {
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class,
                Map.of("tokenbroker.bench.enabled", "true"))) {
            BrokerClient broker = new BrokerClient(server.getURI());
            for (String path : new String[] {"/v1/bench/constant", "/v1/bench/constant-event-loop"}) {
                HttpResponse<String> response = broker.get(path);
                assertEquals(200, response.statusCode());
                assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow());
                assertTrue(response.body().startsWith("{\"access_token\":\"sbx_at_"), response.body());
            }
        }
    }
}
