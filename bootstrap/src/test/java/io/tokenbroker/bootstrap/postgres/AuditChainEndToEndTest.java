package io.tokenbroker.bootstrap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.json.JsonMapper;
import io.tokenbroker.application.port.in.EnforceRetention;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.domain.audit.ChainLink;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The tamper-evident refresh log on a real PostgreSQL, end to end: what someone with database access can do to a
 * chain is reported by the verify endpoint and by {@code verify-log} on the export, at the same link.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditChainEndToEndTest {

    private AuditBroker broker;
    private JsonMapper json;
    @TempDir
    Path exports;

    @BeforeAll
    void start() {
        broker = new AuditBroker("audit_chain", Map.of());
        json = broker.server.getApplicationContext().getBean(JsonMapper.class);
    }

    @AfterAll
    void stop() {
        broker.close();
    }

    /** What an attacker does to rows 1..6 of a chain after the checkpoint, and the seq the verdict must name. */
    enum Tamper {
        EDITED_ROW(3, "UPDATE refresh_log SET outcome = 'success' WHERE %s AND seq = 3"),
        DELETED_ROW(3, "DELETE FROM refresh_log WHERE %s AND seq = 3"),
        INSERTED_ROW(4, null),
        REORDERED_PAIR(3, "UPDATE refresh_log SET seq = -3 WHERE %1$s AND seq = 3;"
                + "UPDATE refresh_log SET seq = 3 WHERE %1$s AND seq = 4;"
                + "UPDATE refresh_log SET seq = 4 WHERE %1$s AND seq = -3"),
        TRUNCATED_TAIL(5, "DELETE FROM refresh_log WHERE %s AND seq >= 5");

        final long brokenAt;
        final String sql;

        Tamper(long brokenAt, String sql) {
            this.brokenAt = brokenAt;
            this.sql = sql;
        }
    }

    private static String where(ConnectionKey key) {
        return "tenant = '" + key.tenant().value() + "' AND connection = '" + key.connection().value() + "'";
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> verify(ConnectionKey key) throws IOException {
        HttpResponse<String> answer = broker.send("GET", AuditBroker.path(key) + "/verify", "application/json");
        assertEquals(200, answer.statusCode(), answer.body());
        return json.readValue(answer.body(), Map.class);
    }

    private void checkpoint() {
        assertEquals(201, broker.send("POST", "/v1/audit/checkpoints", "application/json").statusCode());
    }

    @ParameterizedTest
    @EnumSource(Tamper.class)
    void eachTamperingIsReportedByTheEndpointAndTheOfflineCommandAtTheSameLink(Tamper tamper) throws Exception {
        ConnectionKey key = ConnectionKey.of("acme", tamper.name().toLowerCase().replace('_', '-'));
        broker.record(key, 6);
        checkpoint();
        assertEquals(true, verify(key).get("verified"));

        if (tamper == Tamper.INSERTED_ROW) {
            insertForgedRow(key);
        } else {
            for (String statement : String.format(tamper.sql, where(key)).split(";")) {
                TestDatabase.execute(broker.database, statement);
            }
        }

        Map<String, Object> verdict = verify(key);
        assertEquals(false, verdict.get("verified"), verdict.toString());
        assertEquals(tamper.brokenAt, ((Number) ((Map<?, ?>) verdict.get("broken")).get("seq")).longValue(),
                verdict.toString());
        AuditBroker.Offline offline = broker.verifyOffline(key, exports);
        assertEquals(1, offline.status(), offline.output());
        assertTrue(offline.output().contains("at seq " + tamper.brokenAt + ":"), offline.output());
    }

    /** Moves rows 3.. up by one and puts a correctly hashed forgery at 3: its own hash holds, the next link's not. */
    private void insertForgedRow(ConnectionKey key) throws SQLException {
        TestDatabase.execute(broker.database,
                "UPDATE refresh_log SET seq = -seq WHERE " + where(key) + " AND seq >= 3");
        TestDatabase.execute(broker.database,
                "UPDATE refresh_log SET seq = 1 - seq WHERE " + where(key) + " AND seq < 0");
        RefreshLog log = broker.server.getApplicationContext().getBean(RefreshLog.class);
        String hashOfTwo = log.chain(key, 1, 1).get(0).hash();
        RefreshAttempt forged = AuditBroker.attempt(key, 77);
        ChainLink link = ChainLink.append(3, hashOfTwo, forged, "mallory");
        try (Connection db = broker.database.getConnection(); PreparedStatement insert = db.prepareStatement("""
                INSERT INTO refresh_log (tenant, connection, trigger, outcome, started_at, completed_at, duration_ms,
                    attempt, upstream_status, error_code, message, instance_id, fence, seq, prev_hash, hash, kind)
                VALUES (?, ?, 'request', 'success', ?, ?, 90, 1, 200, NULL, 'attempt 77', 'mallory', 77, 3, ?, ?,
                        'attempt')""")) {
            insert.setString(1, key.tenant().value());
            insert.setString(2, key.connection().value());
            insert.setTimestamp(3, Timestamp.from(link.entry().startedAt()));
            insert.setTimestamp(4, Timestamp.from(link.entry().completedAt()));
            insert.setString(5, hashOfTwo);
            insert.setString(6, link.hash());
            insert.executeUpdate();
        }
    }

    @Test
    void aChainRecomputedAfterTheCheckpointIsCaughtByTheCheckpointAndStaysCaught() throws Exception {
        ConnectionKey key = ConnectionKey.of("acme", "recomputed");
        broker.record(key, 6);
        checkpoint();
        List<ChainLink> links = broker.server.getApplicationContext().getBean(RefreshLog.class).chain(key, 0, 10);
        String prevHash = links.get(0).hash();
        for (ChainLink original : links.subList(1, links.size())) {
            RefreshAttempt attempt = (RefreshAttempt) original.entry();
            RefreshAttempt rewritten = new RefreshAttempt(key, attempt.trigger(), RefreshAttempt.Outcome.SUCCESS,
                    attempt.startedAt(), attempt.completedAt(), attempt.attempt(), attempt.upstreamStatus(),
                    attempt.errorCode(), attempt.message(), attempt.fence());
            ChainLink forged = ChainLink.append(original.seq(), prevHash, rewritten, original.instance());
            TestDatabase.execute(broker.database, "UPDATE refresh_log SET outcome = 'success', prev_hash = '"
                    + prevHash + "', hash = '" + forged.hash() + "' WHERE " + where(key) + " AND seq = "
                    + original.seq());
            prevHash = forged.hash();
        }
        TestDatabase.execute(broker.database, "UPDATE refresh_log_chains SET hash = '" + prevHash + "' WHERE "
                + where(key));

        Map<?, ?> broken = (Map<?, ?>) verify(key).get("broken");
        assertEquals(6L, ((Number) broken.get("seq")).longValue());
        assertTrue(broken.get("reason").toString().contains("recomputed"), broken.toString());

        checkpoint();
        @SuppressWarnings("unchecked")
        Map<String, Object> status = json.readValue(
                broker.send("GET", "/v1/audit/status", "application/json").body(), Map.class);
        assertTrue(((List<?>) status.get("suspect_chains")).contains("acme/recomputed"), status.toString());
        assertEquals(6L, ((Number) ((Map<?, ?>) verify(key).get("broken")).get("seq")).longValue(),
                "the next checkpoint carries the signed line over instead of signing the rewrite");
        assertEquals(1, broker.verifyOffline(key, exports).status());
    }

    @Test
    void tenThousandUntouchedRowsVerifyInTheBrokerAndOffline() throws Exception {
        ConnectionKey key = ConnectionKey.of("acme", "bulk");
        broker.record(key, 10_000);
        checkpoint();

        Map<String, Object> verdict = verify(key);
        assertEquals(true, verdict.get("verified"), verdict.toString());
        assertEquals(10_000L, ((Number) verdict.get("rows")).longValue());
        assertNull(verdict.get("broken"));
        Map<?, ?> checkpoint = (Map<?, ?>) verdict.get("checkpoint");
        assertEquals("signed", checkpoint.get("trust"));
        assertEquals(10_000L, ((Number) checkpoint.get("seq")).longValue());
        AuditBroker.Offline offline = broker.verifyOffline(key, exports);
        assertEquals(0, offline.status(), offline.output());
        assertTrue(offline.output().startsWith("VERIFIED acme/bulk: 10000 rows"), offline.output());
    }

    @Test
    void retentionRemovesOldRowsAndSignsACheckpointAtTheCutSoTheRestVerifies() throws Exception {
        ConnectionKey key = ConnectionKey.of("acme", "aged");
        RefreshLog log = broker.server.getApplicationContext().getBean(RefreshLog.class);
        Instant now = Instant.now();
        for (int n = 0; n < 6; n++) {
            Instant startedAt = n < 3 ? now.minus(Duration.ofDays(500 - n)) : now.minus(Duration.ofDays(6 - n));
            log.record(new RefreshAttempt(key, RefreshAttempt.Trigger.PROACTIVE, RefreshAttempt.Outcome.SUCCESS,
                    startedAt, startedAt.plusMillis(50), 1, OptionalInt.empty(),
                    Optional.empty(), Optional.empty(), n));
        }
        broker.flush();
        checkpoint();

        OptionalLong removed = broker.server.getApplicationContext().getBean(EnforceRetention.class).enforce();

        assertTrue(removed.isPresent() && removed.getAsLong() >= 3, "removed " + removed);
        Map<String, Object> verdict = verify(key);
        assertEquals(true, verdict.get("verified"), verdict.toString());
        assertEquals(3L, ((Number) verdict.get("rows")).longValue());
        assertEquals("retention", ((Map<?, ?>) verdict.get("checkpoint")).get("reason"));
        assertEquals(0, broker.verifyOffline(key, exports).status());
    }

    @Test
    void thePublicKeyIsPublishedAnonymouslyAndTheStatusNamesIt() throws Exception {
        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                broker.uri().resolve("/v1/audit/public-key")).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, anonymous.statusCode());
        assertEquals(broker.publicKeyPem, anonymous.body());
        @SuppressWarnings("unchecked")
        Map<String, Object> status = json.readValue(
                broker.send("GET", "/v1/audit/status", "application/json").body(), Map.class);
        assertEquals(true, status.get("signing"));
        assertEquals(anonymous.headers().firstValue("X-Key-Id").orElseThrow(), status.get("key_id"));
        assertEquals(300L, ((Number) status.get("checkpoint_interval_seconds")).longValue());
        assertEquals(400L, ((Number) status.get("retention_days")).longValue());
    }
}
