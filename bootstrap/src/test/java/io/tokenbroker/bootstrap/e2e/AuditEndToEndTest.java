package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.bootstrap.audit.VerifyLogCommand;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.connection.ConnectionKey;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit endpoints on the embedded default, without a signing key: the in-memory log chains and verifies,
 * checkpoints are taken unsigned and the status says so, the public key is absent, and an export verifies offline.
 */
@MicronautTest
class AuditEndToEndTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "audited");
    private static final String LOG = "/v1/tenants/acme/connections/audited/refresh-log";

    @Inject
    EmbeddedServer server;
    @Inject
    RefreshLog refreshLog;
    @Inject
    JsonMapper json;
    @TempDir
    Path directory;

    @SuppressWarnings("unchecked")
    private Map<String, Object> read(HttpResponse<String> answer) throws Exception {
        return json.readValue(answer.body(), Map.class);
    }

    @Test
    void theEmbeddedDefaultChainsVerifiesAndExportsUnsignedCheckpoints() throws Exception {
        BrokerClient admin = new BrokerClient(server.getURI(), BrokerClient.ADMIN_KEY);
        Instant at = Instant.parse("2030-01-01T00:00:00Z");
        for (int n = 0; n < 4; n++) {
            refreshLog.record(new RefreshAttempt(KEY, RefreshAttempt.Trigger.MANUAL, RefreshAttempt.Outcome.SUCCESS,
                    at.plusSeconds(n), at.plusSeconds(n).plusNanos(1_234_567), 1, OptionalInt.of(200),
                    Optional.empty(), Optional.of("manual, \"quoted\" ünïcode"), n));
        }

        Map<String, Object> before = read(admin.get(LOG + "/verify"));
        assertEquals(true, before.get("verified"));
        assertEquals(4, ((Number) before.get("rows")).intValue());
        assertNull(before.get("checkpoint"));

        assertEquals(201, admin.post("/v1/audit/checkpoints", null).statusCode());
        Map<?, ?> checkpoint = (Map<?, ?>) read(admin.get(LOG + "/verify")).get("checkpoint");
        assertEquals("unsigned", checkpoint.get("trust"));
        assertEquals(4, ((Number) checkpoint.get("seq")).intValue());
        Map<String, Object> status = read(admin.get("/v1/audit/status"));
        assertEquals(false, status.get("signing"));
        assertEquals("demand", ((Map<?, ?>) status.get("latest_checkpoint")).get("reason"));
        assertEquals(404, new BrokerClient(server.getURI(), null).get("/v1/audit/public-key").statusCode());

        HttpResponse<String> export = admin.get(LOG, "application/x-ndjson");
        assertTrue(export.headers().firstValue("Content-Type").orElseThrow().startsWith("application/x-ndjson"));
        Path file = Files.writeString(directory.resolve("audited.jsonl"), export.body());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int verified = VerifyLogCommand.run(List.of(file.toString()), new PrintStream(out, true,
                StandardCharsets.UTF_8));
        assertEquals(0, verified, out.toString(StandardCharsets.UTF_8));

        Files.writeString(file, export.body().replace("\\\"quoted\\\"", "\\\"altered\\\""));
        out.reset();
        assertEquals(1, VerifyLogCommand.run(List.of(file.toString()), new PrintStream(out, true,
                StandardCharsets.UTF_8)), "an export edited after the fact fails offline");
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("at seq 1:"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theOfflineCommandExplainsItsUsageAndUnreadableFiles() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

        assertEquals(2, VerifyLogCommand.run(List.of(), print));
        assertEquals(2, VerifyLogCommand.run(List.of(directory.resolve("missing.jsonl").toString()), print));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: verify-log"));
    }
}
