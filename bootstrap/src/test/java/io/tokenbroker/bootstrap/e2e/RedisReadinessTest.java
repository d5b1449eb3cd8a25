package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tokenbroker.bootstrap.LocalRedis;
import io.tokenbroker.bootstrap.TestKeyRing;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Readiness leaves Redis out on purpose: the broker serves without it (fail-open), so an instance must stay in the
 * load balancer while Redis is down. Proven against a real Redis that is stopped under a running broker.
 */
class RedisReadinessTest {

    /**
     * A hit may make no Redis call, so the outage is flagged by Lettuce's disconnect event, which arrives on its own
     * thread a moment after the server is gone.
     */
    private static String awaitMetric(BrokerClient probe, String line) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String metrics = probe.get("/prometheus").body();
        while (!metrics.contains(line) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            metrics = probe.get("/prometheus").body();
        }
        return metrics;
    }

    @Test
    void readinessStaysUpAndTokensAreServedWhileRedisIsDown() throws IOException {
        LocalRedis redis = LocalRedis.start();
        try (SandboxUpstream upstream = SandboxUpstream.start(0, "ready-client", "ready-secret",
                Duration.ofSeconds(600))) {
            EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                    "micronaut.server.port", -1,
                    "redis.uri", redis.uri(),
                    TestKeyRing.PROPERTY, TestKeyRing.KEYS));
            try {
                BrokerClient admin = new BrokerClient(server.getURI());
                BrokerClient probe = admin.as(null);
                admin.put("/v1/tenants/acme/connections/ready", "{\"provider\":\"oauth2\",\"token_url\":\""
                        + upstream.tokenUrl() + "\",\"client_id\":\"ready-client\",\"client_secret\":\"ready-secret\"}");
                assertEquals(200, probe.get("/health/readiness").statusCode());
                assertEquals(200, admin.get("/v1/tenants/acme/connections/ready/token").statusCode());
                assertEquals(200, admin.get("/v1/tenants/acme/connections/ready/token").statusCode());

                redis.stop();

                assertEquals(200, admin.get("/v1/tenants/acme/connections/ready/token").statusCode(),
                        "served without Redis");
                assertEquals(200, probe.get("/health/readiness").statusCode(), "still ready");
                assertEquals(200, probe.get("/health/liveness").statusCode());
                String metrics = awaitMetric(probe, "tokenbroker_redis_down 1.0");
                assertTrue(metrics.contains("tokenbroker_redis_down 1.0"), "the outage is visible as a metric");
                assertTrue(metrics.contains("tokenbroker_redis_outages_total 1.0"), "counted once");
                // One outcome per request: the first fetched, the others never left the process (near cache).
                assertTrue(metrics.contains("tokenbroker_token_requests_total{outcome=\"miss\"} 1.0"), metrics);
                assertTrue(metrics.contains("tokenbroker_token_requests_total{outcome=\"near_cache_hit\"} 2.0"),
                        metrics);
                assertTrue(metrics.contains("tokenbroker_token_requests_total{outcome=\"cache_hit\"} 0.0"), metrics);
            } finally {
                // The context first: stopping Redis under live connections only makes Lettuce log reconnects.
                server.close();
            }
        } finally {
            redis.stop();
        }
    }
}
