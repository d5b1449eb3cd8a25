package io.tokenbroker.bootstrap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness follows PostgreSQL, the one dependency without which requests fail: not ready while it is stopped, ready
 * again once it is back, with liveness unaffected throughout (restarting the broker would not bring the database
 * back). Probed anonymously, as a kubelet does.
 */
class ReadinessTest {

    @TempDir
    Path dataDirectory;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void readinessFailsWhilePostgresIsStoppedAndRecoversWhenItReturns() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        EmbeddedPostgres database = TestDatabase.startAt(dataDirectory.resolve("pg"), port);
        Map<String, Object> properties = new HashMap<>();
        properties.put("micronaut.server.port", -1);
        properties.put("datasources.default.url", TestDatabase.jdbcUrl(database));
        properties.put("datasources.default.username", "postgres");
        properties.put("datasources.default.password", "postgres");
        // A stopped database must answer the probe quickly, not after Hikari's 30 s default.
        properties.put("datasources.default.connection-timeout", 1000);
        properties.put("tokenbroker.encryption.keys", TestDatabase.randomRing("k1"));
        properties.put("tokenbroker.postgres.instance-id", "readiness-test");
        try (EmbeddedServer broker = ApplicationContext.run(EmbeddedServer.class, properties)) {
            URI base = broker.getURI();
            assertEquals(200, status(base, "/health/readiness"));

            database.close();
            assertEquals(503, status(base, "/health/readiness"));
            assertEquals(200, status(base, "/health/liveness"));

            database = TestDatabase.startAt(dataDirectory.resolve("pg"), port);
            // The pool reconnects on demand; a probe can still meet a connection the restart broke, and each
            // probe is paced by the pool's 1 s connection timeout, so a few probes bound the recovery.
            int ready = 0;
            for (int probe = 0; probe < 10 && ready != 200; probe++) {
                ready = status(base, "/health/readiness");
            }
            assertEquals(200, ready, "ready again once PostgreSQL is back");
        } finally {
            database.close();
        }
    }

    private int status(URI base, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
