package io.tokenbroker.bootstrap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL outage degrades the broker but does not take it out of the load balancer: it still serves cached
 * tokens and refreshes the connections it remembers (issue 18), so readiness stays up while the database is stopped,
 * the health component reports it as DEGRADED and {@code tokenbroker_postgres_down} is 1, and both return to normal
 * once it is back; liveness is unaffected throughout (restarting the broker would not bring the database back).
 * Probed anonymously, as a kubelet does.
 */
class ReadinessTest {

    @TempDir
    Path dataDirectory;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void readinessStaysUpWhilePostgresIsStoppedAndTheOutageIsReportedUntilItReturns() throws Exception {
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
        properties.put(OutageClock.PROPERTY, true);
        try (EmbeddedServer broker = ApplicationContext.run(EmbeddedServer.class, properties)) {
            URI base = broker.getURI();
            assertEquals(200, status(base, "/health/readiness"));

            assertEquals("0.0", postgresDown(base));

            database.close();
            assertEquals(200, status(base, "/health/readiness"), "degraded, still serving: ready");
            // Each probe that fails counts toward the breaker (two open it): a few probes bound the detection.
            String outage = body(base, "/health");
            for (int probe = 0; probe < 5 && !outage.contains("DEGRADED"); probe++) {
                outage = body(base, "/health");
            }
            assertTrue(outage.contains("DEGRADED"), "the outage shows in /health: " + outage);
            assertEquals("1.0", postgresDown(base));
            assertEquals(200, status(base, "/health/liveness"));
            // The open breaker refuses the probe at once, so the PostgreSQL component often answers before the
            // others: the whole must be DEGRADED whichever component answers last (it once read UP).
            for (int probe = 0; probe < 5; probe++) {
                String whole = body(base, "/health");
                assertTrue(whole.contains("\"status\":\"DEGRADED\""), "probe " + probe + ": " + whole);
                assertEquals(200, status(base, "/health/readiness"), "degraded, still serving: ready");
            }

            database = TestDatabase.startAt(dataDirectory.resolve("pg"), port);
            // The breaker lets a probe through once its open period has passed (moved on by the test clock); a probe
            // can still meet a connection the restart broke, so a few probes bound the recovery.
            // Background statements (the audit jobs, the refresh-log writer) may meet such a connection too and
            // open the breaker once more, so recovery is: healthy and not down, within those few probes.
            String health = "";
            for (int probe = 0; probe < 10 && !(healthy(health) && "0.0".equals(postgresDown(base))); probe++) {
                OutageClock.CLOCK.advance(Duration.ofSeconds(3));
                health = body(base, "/health");
            }
            assertTrue(healthy(health), "healthy again once PostgreSQL is back: " + health);
            assertEquals("0.0", postgresDown(base));
            assertEquals(200, status(base, "/health/readiness"));
        } finally {
            database.close();
        }
    }

    private static boolean healthy(String health) {
        return health.contains("\"UP\"") && !health.contains("DEGRADED");
    }

    private String body(URI base, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private String postgresDown(URI base) throws IOException, InterruptedException {
        return body(base, "/prometheus").lines().filter(line -> line.startsWith("tokenbroker_postgres_down "))
                .map(line -> line.substring(line.indexOf(' ') + 1).strip()).findFirst().orElse("absent");
    }

    private int status(URI base, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
