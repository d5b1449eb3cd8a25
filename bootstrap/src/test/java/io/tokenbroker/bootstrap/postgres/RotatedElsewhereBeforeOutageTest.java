package io.tokenbroker.bootstrap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tokenbroker.bootstrap.LocalPorts;
import io.tokenbroker.bootstrap.LocalRedis;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault drill's finding of 2026-12-04: one broker rotates a connection's refresh token while PostgreSQL is up;
 * the database goes down; the other broker, which read the connection before that rotation, must refresh it from
 * memory. It must present the refresh token the first broker stored (published in Redis), not the one it remembers:
 * the sandbox's refresh tokens work once, so a superseded one is an {@code invalid_grant} — and at a provider with
 * reuse detection, a revoked grant.
 */
class RotatedElsewhereBeforeOutageTest {

    private static final String ADMIN = "tbk_testadmin0000001_TestAdminKeyTestAdminKeyTestAdminKeyTestAdm";
    private static final String CLIENT_ID = "outage-client";
    private static final String CLIENT_SECRET = "outage-secret";
    private static final String CRM = "/v1/tenants/acme/connections/crm";

    @TempDir
    Path dataDirectory;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private EmbeddedPostgres database;
    private int databasePort;
    private LocalRedis redis;
    private SandboxUpstream upstream;
    private EmbeddedServer first;
    private EmbeddedServer second;

    @BeforeEach
    void start() throws IOException {
        databasePort = LocalPorts.free();
        database = TestDatabase.startAt(dataDirectory.resolve("pg"), databasePort);
        redis = LocalRedis.start();
        upstream = SandboxUpstream.start(0, CLIENT_ID, CLIENT_SECRET, Duration.ofHours(1));
        String ring = TestDatabase.randomRing("k1");
        first = broker(ring);
        second = broker(ring);
    }

    @AfterEach
    void stop() throws IOException {
        first.getApplicationContext().close();
        second.getApplicationContext().close();
        upstream.close();
        redis.stop();
        database.close();
    }

    @Test
    void theBrokerServingFromMemoryPresentsTheRefreshTokenAnotherStoredBeforeTheOutage() throws Exception {
        URI a = first.getURI();
        URI b = second.getURI();
        assertEquals(201, send(a, "PUT", CRM, connection(upstream.issueRefreshToken())).statusCode());
        assertEquals(200, send(a, "GET", CRM + "/token", null).statusCode(), "the first broker remembers the row");
        assertEquals(204, send(b, "POST", CRM + "/token/invalidate", null).statusCode());
        // The second broker rotates while the database is up: stored in PostgreSQL, published in Redis ahead of the
        // token it caches (same connection, so applied before this answer).
        assertEquals(200, send(b, "GET", CRM + "/token", null).statusCode());
        assertEquals(2, upstream.tokenRequests());

        database.close();

        assertEquals(204, send(a, "POST", CRM + "/token/invalidate", null).statusCode());
        HttpResponse<String> fromMemory = send(a, "GET", CRM + "/token", null);
        assertEquals(200, fromMemory.statusCode(), "the newest refresh token, not the remembered one: "
                + fromMemory.body());
        assertEquals(3, upstream.tokenRequests());

        // And the rotation made in the outage is the one used once the database is back.
        database = TestDatabase.startAt(dataDirectory.resolve("pg"), databasePort);
        assertEquals(true, OutageClock.awaitDatabase(second.getApplicationContext()));
        assertEquals(204, send(b, "POST", CRM + "/token/invalidate", null).statusCode());
        HttpResponse<String> after = send(b, "GET", CRM + "/token", null);
        assertEquals(200, after.statusCode(), after.body());
        assertEquals(4, upstream.tokenRequests(), "no refresh was refused");
    }

    private String connection(String refreshToken) {
        return "{\"provider\":\"oauth2\",\"client_id\":\"" + CLIENT_ID + "\",\"client_secret\":\"" + CLIENT_SECRET
                + "\",\"scopes\":[\"read\"],\"refresh_token\":\"" + refreshToken + "\",\"token_url\":\""
                + upstream.tokenUrl() + "\"}";
    }

    private EmbeddedServer broker(String ring) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("datasources.default.url", TestDatabase.jdbcUrl(database));
        properties.put("datasources.default.username", "postgres");
        properties.put("datasources.default.password", "postgres");
        properties.put("tokenbroker.encryption.keys", ring);
        properties.put("redis.uri", redis.uri());
        properties.put("tokenbroker.upstream.resilience.min-interval", "0s");
        properties.put("tokenbroker.postgres.pending-flush-interval", "1h");
        properties.put(OutageClock.PROPERTY, true);
        return ApplicationContext.run(EmbeddedServer.class, properties);
    }

    private HttpResponse<String> send(URI base, String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).header("X-API-Key", ADMIN)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
