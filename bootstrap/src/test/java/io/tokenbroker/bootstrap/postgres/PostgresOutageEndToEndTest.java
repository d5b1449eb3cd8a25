package io.tokenbroker.bootstrap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tokenbroker.adapters.postgres.DatabaseBreaker;
import io.tokenbroker.adapters.postgres.JdbcConnections;
import io.tokenbroker.bootstrap.LocalPorts;
import io.tokenbroker.bootstrap.LocalRedis;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.domain.resilience.CircuitBreaker;
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
 * Issue 18 end to end, over HTTP: two brokers sharing a real PostgreSQL (stopped and restarted) and a real Redis, in
 * front of the sandbox, whose refresh tokens work once (a lost rotation is an {@code invalid_grant} on the next
 * refresh). During the outage the broker that served the connection refreshes it from its sealed memory and holds the
 * rotated refresh token in Redis; what it cannot serve is a fast 503 with Retry-After, never a 500; that broker is then
 * lost, and the other one, once the database is back, refreshes with the held token (read through) and writes it back.
 * And a rotation stored before the outage by one broker is the refresh token the other presents from memory.
 */
class PostgresOutageEndToEndTest {

    private static final String ADMIN = "tbk_testadmin0000001_TestAdminKeyTestAdminKeyTestAdminKeyTestAdm";
    private static final String CLIENT_ID = "outage-client";
    private static final String CLIENT_SECRET = "outage-secret";
    private static final String CRM = "/v1/tenants/acme/connections/crm";
    private static final String OTHER = "/v1/tenants/acme/connections/other";

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
        for (EmbeddedServer broker : new EmbeddedServer[] {first, second}) {
            if (broker != null && broker.isRunning()) {
                broker.getApplicationContext().close();
            }
        }
        upstream.close();
        redis.stop();
        database.close();
    }

    @Test
    void refreshesGoOnDuringTheOutageAndTheHeldRotationSurvivesItsInstance() throws Exception {
        URI a = first.getURI();
        URI b = second.getURI();
        assertEquals(201, send(a, ADMIN, "PUT", CRM, connection(upstream.issueRefreshToken())).statusCode());
        // Saved through the second broker: a PUT reads the saved connection back, and the first must never read it.
        assertEquals(201, send(b, ADMIN, "PUT", OTHER, connection(upstream.issueRefreshToken())).statusCode());
        String neverUsed = (String) JsonMapper.createDefault().readValue(send(a, ADMIN, "POST", "/v1/api-keys",
                "{\"name\":\"never-used\",\"scopes\":[\"token:read\"],\"tenants\":[\"acme\"]}").body(),
                Map.class).get("key");
        assertEquals(200, send(a, ADMIN, "GET", CRM + "/token", null).statusCode());
        assertEquals(1, upstream.tokenRequests());

        database.close();

        // The cached token is dropped, so the next request must refresh: from the sealed memory of the vault.
        assertEquals(204, send(a, ADMIN, "POST", CRM + "/token/invalidate", null).statusCode());
        HttpResponse<String> duringOutage = send(a, ADMIN, "GET", CRM + "/token", null);
        assertEquals(200, duringOutage.statusCode(), duringOutage.body());
        assertEquals(2, upstream.tokenRequests(), "refreshed during the outage");
        assertEquals(1, first.getApplicationContext().getBean(JdbcConnections.class).pendingRotations());
        assertNotNull(heldInRedis(), "the rotated refresh token is held in Redis before the token was served");

        unavailable(send(a, ADMIN, "GET", OTHER + "/token", null), "a connection this broker never read");
        unavailable(send(a, ADMIN, "PUT", CRM, connection("rt-new")), "saving a connection");
        unavailable(send(a, ADMIN, "GET", "/v1/api-keys", null), "key management");
        unavailable(send(a, neverUsed, "GET", CRM + "/token", null), "a key this broker never verified");
        // Answered at once, not after the pool's timeout: the breaker refuses without touching the pool.
        DatabaseBreaker breaker = first.getApplicationContext().getBean(DatabaseBreaker.class);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertTrue(breaker.refusedCalls() > 0);

        // The broker holding the rotation in memory is lost; the database returns.
        first.getApplicationContext().close();
        database = TestDatabase.startAt(dataDirectory.resolve("pg"), databasePort);
        assertTrue(OutageClock.awaitDatabase(second.getApplicationContext()));

        assertEquals(204, send(b, ADMIN, "POST", CRM + "/token/invalidate", null).statusCode());
        HttpResponse<String> readThrough = send(b, ADMIN, "GET", CRM + "/token", null);
        assertEquals(200, readThrough.statusCode(), "the held token was presented, not the used one: "
                + readThrough.body());
        second.getApplicationContext().getBean(JdbcConnections.class).flushPending();
        assertNull(heldInRedis(), "written back (or superseded) and released");
        assertEquals(204, send(b, ADMIN, "POST", CRM + "/token/invalidate", null).statusCode());
        assertEquals(200, send(b, ADMIN, "GET", CRM + "/token", null).statusCode(), "the vault holds the newest");
        assertEquals(4, upstream.tokenRequests(), "no refresh was refused");
    }

    /**
     * The fault drill's finding of 2026-12-04: the second broker rotates while the database is up; it goes down; the
     * first broker, whose remembered row predates that rotation, must present the refresh token the second stored
     * (published in Redis), not the one it remembers — a superseded one is an {@code invalid_grant} here and, at a
     * provider with reuse detection, a revoked grant.
     */
    @Test
    void aBrokerServingFromMemoryPresentsTheRefreshTokenAnotherStoredBeforeTheOutage() throws Exception {
        URI a = first.getURI();
        URI b = second.getURI();
        assertEquals(201, send(a, ADMIN, "PUT", CRM, connection(upstream.issueRefreshToken())).statusCode());
        assertEquals(200, send(a, ADMIN, "GET", CRM + "/token", null).statusCode(), "remembered by the first");
        assertEquals(204, send(b, ADMIN, "POST", CRM + "/token/invalidate", null).statusCode());
        // Stored in PostgreSQL and published in Redis ahead of the token the second broker caches (one connection,
        // so applied before this answer).
        assertEquals(200, send(b, ADMIN, "GET", CRM + "/token", null).statusCode());
        assertEquals(2, upstream.tokenRequests());

        database.close();

        assertEquals(204, send(a, ADMIN, "POST", CRM + "/token/invalidate", null).statusCode());
        HttpResponse<String> fromMemory = send(a, ADMIN, "GET", CRM + "/token", null);
        assertEquals(200, fromMemory.statusCode(), "the newest refresh token, not the remembered one: "
                + fromMemory.body());
        assertEquals(3, upstream.tokenRequests());

        database = TestDatabase.startAt(dataDirectory.resolve("pg"), databasePort);
        assertTrue(OutageClock.awaitDatabase(second.getApplicationContext()));
        assertEquals(204, send(b, ADMIN, "POST", CRM + "/token/invalidate", null).statusCode());
        HttpResponse<String> after = send(b, ADMIN, "GET", CRM + "/token", null);
        assertEquals(200, after.statusCode(), "the rotation made in the outage is the one used: " + after.body());
        assertEquals(4, upstream.tokenRequests(), "no refresh was refused");
    }

    private void unavailable(HttpResponse<String> response, String what) {
        assertEquals(503, response.statusCode(), what + ": " + response.body());
        assertTrue(response.headers().firstValue("Retry-After").isPresent(), what);
        assertTrue(response.body().contains("urn:tokenbroker:problem:"), what + ": " + response.body());
    }

    private String heldInRedis() {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().get("tb:{acme:crm}:pending");
        } finally {
            client.shutdown();
        }
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

    private HttpResponse<String> send(URI base, String key, String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).header("X-API-Key", key)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
