package io.tokenbroker.bootstrap.postgres;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tokenbroker.adapters.postgres.JdbcRefreshLog;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.bootstrap.audit.VerifyLogCommand;
import io.tokenbroker.domain.audit.CheckpointSignatures;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import javax.sql.DataSource;

/**
 * A broker with a signing key over its own database on the shared PostgreSQL, for the audit tests: records attempts
 * through the production refresh log, calls the audit endpoints with the admin key, and runs {@code verify-log} on
 * an export as an auditor would.
 */
final class AuditBroker implements AutoCloseable {

    static final String ADMIN_KEY = "tbk_testadmin0000001_TestAdminKeyTestAdminKeyTestAdminKeyTestAdm";
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    final EmbeddedServer server;
    final DataSource database;
    final String publicKeyPem;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    AuditBroker(String databaseName, Map<String, Object> extra) {
        EmbeddedPostgres shared = TestDatabase.shared();
        TestDatabase.execute(shared.getPostgresDatabase(), "DROP DATABASE IF EXISTS " + databaseName);
        TestDatabase.execute(shared.getPostgresDatabase(), "CREATE DATABASE " + databaseName);
        database = shared.getDatabase("postgres", databaseName);
        KeyPair keys = ed25519();
        publicKeyPem = CheckpointSignatures.pem(keys.getPublic());
        Map<String, Object> properties = new HashMap<>();
        properties.put("micronaut.server.port", -1);
        properties.put("datasources.default.url", shared.getJdbcUrl("postgres", databaseName));
        properties.put("datasources.default.username", "postgres");
        properties.put("datasources.default.password", "postgres");
        properties.put("tokenbroker.encryption.keys", TestDatabase.randomRing("k1"));
        properties.put("tokenbroker.scheduler.enabled", false);
        properties.put("tokenbroker.audit.jobs.enabled", false);
        properties.put("tokenbroker.audit.signing-key", "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        properties.putAll(extra);
        server = ApplicationContext.builder().environments("test").properties(properties).run(EmbeddedServer.class);
    }

    private static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException missing) {
            throw new IllegalStateException(missing);
        }
    }

    static RefreshAttempt attempt(ConnectionKey key, int n) {
        Instant startedAt = T0.plusSeconds(n);
        return new RefreshAttempt(key, Trigger.REQUEST, n % 3 == 0 ? Outcome.FAILURE : Outcome.SUCCESS, startedAt,
                startedAt.plusMillis(90), 1, OptionalInt.of(n % 3 == 0 ? 503 : 200), Optional.empty(),
                Optional.of("attempt " + n), n);
    }

    /** Records {@code count} attempts for {@code key} and waits until they are written. */
    void record(ConnectionKey key, int count) {
        RefreshLog log = server.getApplicationContext().getBean(RefreshLog.class);
        for (int n = 1; n <= count; n++) {
            log.record(attempt(key, n));
        }
        flush();
    }

    void flush() {
        if (!server.getApplicationContext().getBean(JdbcRefreshLog.class).flush(Duration.ofSeconds(60))) {
            throw new IllegalStateException("the refresh log did not catch up");
        }
    }

    HttpResponse<String> send(String method, String path, String accept) {
        HttpRequest request = HttpRequest.newBuilder(server.getURI().resolve(path)).header("X-API-Key", ADMIN_KEY)
                .header("Accept", accept).method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    static String path(ConnectionKey key) {
        return "/v1/tenants/" + key.tenant().value() + "/connections/" + key.connection().value() + "/refresh-log";
    }

    /** What {@code verify-log} says about the key's export: exit status and output. */
    record Offline(int status, String output) {
    }

    Offline verifyOffline(ConnectionKey key, Path directory) throws IOException {
        Path export = Files.writeString(directory.resolve(key.connection().value() + ".jsonl"),
                send("GET", path(key), "application/x-ndjson").body());
        Path pem = Files.writeString(directory.resolve("audit-public.pem"), publicKeyPem);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = VerifyLogCommand.run(List.of(export.toString(), "--public-key", pem.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return new Offline(status, out.toString(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.close();
    }

    URI uri() {
        return server.getURI();
    }
}
