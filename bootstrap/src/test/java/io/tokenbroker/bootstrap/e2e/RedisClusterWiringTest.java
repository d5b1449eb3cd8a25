package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tokenbroker.adapters.redis.RedisAdapters;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.bootstrap.TestKeyRing;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisShardedCluster;

/** {@code redis.uris} (a Redis Cluster) wires the same adapters over a cluster client. */
class RedisClusterWiringTest {

    /**
     * A started cluster still agrees on its slots for a moment ({@code CLUSTERDOWN}); there is no event to wait
     * for, so this fixture readiness check asks each node until all report {@code cluster_state:ok}.
     */
    static void awaitClusterOk(List<Integer> ports) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int port : ports) {
            RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                while (!connection.sync().clusterInfo().contains("cluster_state:ok")) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the cluster never became ready");
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void aClusterServesTokensThroughTheRedisAdapters() throws IOException {
        RedisShardedCluster cluster = RedisShardedCluster.newRedisCluster()
                .shard("a", 0).shard("b", 0).shard("c", 0).ephemeral()
                .initializationTimeout(Duration.ofSeconds(30)).build();
        cluster.start();
        awaitClusterOk(cluster.serverPorts());
        try (SandboxUpstream upstream = SandboxUpstream.start(0, "c", "s", Duration.ofSeconds(600))) {
            String uris = cluster.serverPorts().stream().map(port -> "redis://127.0.0.1:" + port)
                    .collect(Collectors.joining(","));
            try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class,
                    Map.of("micronaut.server.port", -1, "redis.uris", uris, TestKeyRing.PROPERTY,
                            TestKeyRing.KEYS))) {
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
