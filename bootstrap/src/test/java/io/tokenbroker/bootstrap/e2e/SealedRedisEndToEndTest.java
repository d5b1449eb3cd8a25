package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tokenbroker.bootstrap.LocalRedis;
import io.tokenbroker.bootstrap.ReEncryptCommand;
import io.tokenbroker.bootstrap.TestKeyRing;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis, its dumps and replicas hold no usable credential: brokers over a real Redis that writes uncompressed dumps
 * (a compressed one could hide a token from the search), a value copied between keys is refused, and the key ring
 * rotates with {@code re-encrypt}.
 */
class SealedRedisEndToEndTest {

    private static final String CLIENT_SECRET = "sealed-client-secret-7f3a";
    private static final List<String> CONNECTIONS = List.of("acme/crm", "globex/crm", "initech/erp");

    @TempDir
    Path dumps;
    private LocalRedis redis;
    private SandboxUpstream upstream;
    private RedisClient client;
    private StatefulRedisConnection<String, String> raw;
    private final List<EmbeddedServer> brokers = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        // Uncompressed dumps, written on demand (SAVE) where the test reads them.
        redis = LocalRedis.start("rdbcompression no", "dir " + dumps, "dbfilename dump.rdb");
        upstream = SandboxUpstream.start(0, "sealed-client", CLIENT_SECRET, Duration.ofSeconds(600));
        client = RedisClient.create(redis.uri());
        raw = client.connect();
    }

    @AfterEach
    void stop() throws IOException {
        // Brokers first: stopping Redis under live connections only makes Lettuce log reconnects.
        brokers.forEach(EmbeddedServer::close);
        raw.close();
        client.shutdown();
        upstream.close();
        redis.stop();
    }

    @Test
    void neitherTheDumpNorAnyKeyHoldsATokenOrSecret() throws Exception {
        URI base = broker(TestKeyRing.KEYS, null).getURI();
        BrokerClient admin = new BrokerClient(base);
        List<String> secrets = new ArrayList<>(List.of(CLIENT_SECRET));
        for (String connection : CONNECTIONS) {
            String refreshToken = upstream.issueRefreshToken();
            secrets.add(refreshToken);
            register(admin, connection, refreshToken);
            secrets.add(accessToken(admin, connection));
        }
        secrets.add(newApiKeyOnce(base, "sealed-idem-1"));

        RedisCommands<String, String> redisCommands = raw.sync();
        redisCommands.save();
        String dump = Files.readString(dumps.resolve("dump.rdb"), StandardCharsets.ISO_8859_1);
        String everyValue = everyValue(redisCommands);
        assertTrue(everyValue.contains("tb:{acme:crm}:token"), "the search saw the token keys");
        assertTrue(dump.contains("tb:{acme:crm}:token"), "the dump is readable to the search");
        for (String secret : secrets) {
            assertFalse(dump.contains(secret), "the dump holds a credential");
            assertFalse(everyValue.contains(secret), "a Redis value holds a credential");
        }
    }

    @Test
    void aValueCopiedToAnotherConnectionsKeyIsRefusedAndCounted() {
        BrokerClient first = new BrokerClient(broker(TestKeyRing.KEYS, null).getURI());
        register(first, "acme/crm", null);
        register(first, "globex/crm", null);
        String acme = accessToken(first, "acme/crm");
        accessToken(first, "globex/crm");
        RedisCommands<String, String> redisCommands = raw.sync();
        redisCommands.hset("tb:{globex:crm}:token", "v", redisCommands.hget("tb:{acme:crm}:token", "v"));

        // Another instance: its near cache is empty, so it reads what Redis holds. Connections are in memory here, so
        // each instance is told of them.
        BrokerClient second = new BrokerClient(broker(TestKeyRing.KEYS, null).getURI());
        register(second, "acme/crm", null);
        register(second, "globex/crm", null);
        String served = accessToken(second, "globex/crm");

        assertNotEquals(acme, served, "acme's token is never served for globex");
        // Read once before the lease and once again under it: each read is refused and counted.
        double refused = second.as(null).get("/prometheus").body().lines()
                .filter(line -> line.startsWith("tokenbroker_redis_sealed_refused_total "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1))).sum();
        assertTrue(refused >= 1, "the refused value is counted: " + refused);
    }

    @Test
    void afterARotationAndReEncryptTheOldKeyCanGo() {
        String k1 = TestKeyRing.random("k1");
        String k2 = TestKeyRing.random("k2");
        BrokerClient before = new BrokerClient(broker(k1, null).getURI());
        register(before, "acme/crm", null);
        register(before, "globex/crm", null);
        String acme = accessToken(before, "acme/crm");

        BrokerClient rotated = new BrokerClient(broker(k1 + "," + k2, "k2").getURI());
        register(rotated, "acme/crm", null);
        register(rotated, "globex/crm", null);
        assertEquals(acme, accessToken(rotated, "acme/crm"), "sealed under k1, served from Redis");
        String globex = accessToken(rotated, "globex/crm");
        assertTrue(raw.sync().hget("tb:{globex:crm}:token", "v").startsWith("k2:"), "new writes use k2");
        assertTrue(raw.sync().hget("tb:{acme:crm}:token", "v").startsWith("k1:"));

        assertEquals(0, ReEncryptCommand.run(Map.of("redis.uri", redis.uri(),
                TestKeyRing.PROPERTY, k1 + "," + k2, "tokenbroker.encryption.active-key", "k2")));

        assertTrue(raw.sync().hget("tb:{acme:crm}:token", "v").startsWith("k2:"), "moved to k2");
        BrokerClient onlyK2 = new BrokerClient(broker(k2, null).getURI());
        register(onlyK2, "acme/crm", null);
        register(onlyK2, "globex/crm", null);
        assertEquals(acme, accessToken(onlyK2, "acme/crm"), "served without k1, from Redis");
        assertEquals(globex, accessToken(onlyK2, "globex/crm"));
        assertEquals(2, upstream.tokenRequests(), "acme's and globex's, each fetched once");
    }

    @Test
    void redisWithoutAKeyRingRefusesToStartUnlessPlaintextIsAllowed() {
        Map<String, Object> noRing = Map.of("micronaut.server.port", -1,
                "redis.uri", redis.uri());
        // Built, then started, so the half-started context is stopped again and leaves nothing to later tests.
        ApplicationContext context = ApplicationContext.builder().properties(noRing).build();
        try {
            RuntimeException refused = assertThrows(RuntimeException.class, context::start);
            assertTrue(causes(refused).contains("Redis is configured but TOKENBROKER_ENCRYPTION_KEYS is not set"),
                    causes(refused));
        } finally {
            context.stop();
        }

        try (EmbeddedServer allowed = ApplicationContext.run(EmbeddedServer.class, Map.of("micronaut.server.port", -1,
                "redis.uri", redis.uri(), "tokenbroker.redis.allow-plaintext", true))) {
            assertTrue(allowed.isRunning());
        }
    }

    private EmbeddedServer broker(String ring, String activeKey) {
        Map<String, Object> properties = new HashMap<>(Map.of("micronaut.server.port", -1,
                "redis.uri", redis.uri(), "tokenbroker.redis.command-timeout", "5s",
                TestKeyRing.PROPERTY, ring));
        if (activeKey != null) {
            properties.put("tokenbroker.encryption.active-key", activeKey);
        }
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties);
        brokers.add(server);
        return server;
    }

    private void register(BrokerClient admin, String connection, String refreshToken) {
        String refresh = refreshToken == null ? "" : "\"refresh_token\":\"" + refreshToken + "\",";
        HttpResponse<String> saved = admin.put(path(connection), "{\"provider\":\"oauth2\",\"token_url\":\""
                + upstream.tokenUrl() + "\"," + refresh + "\"client_id\":\"sealed-client\",\"client_secret\":\""
                + CLIENT_SECRET + "\"}");
        assertTrue(saved.statusCode() / 100 == 2, saved.body());
    }

    private static String accessToken(BrokerClient broker, String connection) {
        HttpResponse<String> response = broker.get(path(connection) + "/token");
        assertEquals(200, response.statusCode(), response.body());
        return (String) body(response).get("access_token");
    }

    /** Creates an API key with an Idempotency-Key, so its answer (with the secret) is kept in Redis for replay. */
    private static String newApiKeyOnce(URI base, String idempotencyKey) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/api-keys"))
                .header("X-API-Key", BrokerClient.ADMIN_KEY).header("Idempotency-Key", idempotencyKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"sealed\",\"scopes\":[\"token:read\"],\"tenants\":[\"acme\"]}"))
                .build();
        HttpResponse<String> created = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        String key = (String) body(created).get("key");
        // tbk_<16-character id>_<secret>
        return key.substring("tbk_".length() + 17);
    }

    private static String everyValue(RedisCommands<String, String> redis) {
        StringBuilder all = new StringBuilder();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor);
            for (String key : page.getKeys()) {
                all.append(key).append('\n');
                switch (redis.type(key)) {
                    case "hash" -> all.append(redis.hgetall(key));
                    case "string" -> all.append(redis.get(key));
                    case "zset" -> all.append(redis.zrange(key, 0, -1));
                    case "set" -> all.append(redis.smembers(key));
                    case "list" -> all.append(redis.lrange(key, 0, -1));
                    default -> all.append("?");
                }
                all.append('\n');
            }
            cursor = page;
        } while (!cursor.isFinished());
        return all.toString();
    }

    private static String causes(Throwable failure) {
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            messages.append(cause.getMessage()).append('\n');
        }
        return messages.toString();
    }

    private static String path(String connection) {
        String[] parts = connection.split("/");
        return "/v1/tenants/" + parts[0] + "/connections/" + parts[1];
    }
}
