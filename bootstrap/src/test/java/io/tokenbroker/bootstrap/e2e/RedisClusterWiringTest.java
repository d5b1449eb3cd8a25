package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tokenbroker.adapters.http.sandbox.SandboxUpstream;
import io.tokenbroker.adapters.redis.RedisAdapters;
import io.tokenbroker.application.port.out.TokenStore;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisShardedCluster;

/** {@code redis.uris} (a Redis Cluster) wires the same adapters over a cluster client. */
class RedisClusterWiringTest {

    @Test
    void aClusterServesTokensThroughTheRedisAdapters() throws IOException {
        RedisShardedCluster cluster = RedisShardedCluster.newRedisCluster()
                .shard("a", 0).shard("b", 0).shard("c", 0).ephemeral()
                .initializationTimeout(Duration.ofSeconds(30)).build();
        cluster.start();
        try (SandboxUpstream upstream = SandboxUpstream.start(0, "c", "s", Duration.ofSeconds(600))) {
            String uris = cluster.serverPorts().stream().map(port -> "redis://127.0.0.1:" + port)
                    .collect(Collectors.joining(","));
            try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class,
                    Map.of("micronaut.server.port", -1, "redis.uris", uris))) {
                assertEquals(server.getApplicationContext().getBean(RedisAdapters.class).tokenStore(),
                        server.getApplicationContext().getBean(TokenStore.class));
                BrokerClient broker = new BrokerClient(server.getURI());
                HttpResponse<String> saved = broker.put("/v1/tenants/acme/connections/crm",
                        "{\"provider\":\"oauth2\",\"token_url\":\"" + upstream.tokenUrl()
                                + "\",\"client_id\":\"c\",\"client_secret\":\"s\"}");
                assertEquals(201, saved.statusCode(), saved.body());

                HttpResponse<String> first = broker.get("/v1/tenants/acme/connections/crm/token");
                HttpResponse<String> second = broker.get("/v1/tenants/acme/connections/crm/token");

                assertEquals(200, first.statusCode(), first.body());
                assertEquals(first.body().replaceAll("\"expires_in\":\\d+", ""),
                        second.body().replaceAll("\"expires_in\":\\d+", ""));
                assertEquals(1, upstream.tokenRequests());
            }
        } finally {
            cluster.stop();
        }
    }
}
