package io.tokenbroker.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.contract.RefreshLogContract;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The PostgreSQL audit trail keeps the {@link RefreshLog} contract, and its queue never drops silently. */
class JdbcRefreshLogTest extends RefreshLogContract {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private final List<JdbcRefreshLog> opened = new ArrayList<>();

    @Override
    protected RefreshLog newRefreshLog() {
        DataSource dataSource = EmbeddedDatabase.shared();
        EmbeddedDatabase.truncate(dataSource);
        JdbcRefreshLog log = EmbeddedDatabase.refreshLog("test-instance", RefreshLogWriter.Settings.defaults(),
                RefreshLogWriter.daemonThread());
        opened.add(log);
        return log;
    }

    @AfterEach
    void closeLogs() {
        opened.forEach(JdbcRefreshLog::close);
    }

    private static RefreshAttempt attempt(int second) {
        Instant startedAt = Instant.parse("2030-01-01T00:00:00Z").plusSeconds(second);
        return new RefreshAttempt(KEY, Trigger.PROACTIVE, Outcome.SUCCESS, startedAt, startedAt.plusMillis(80), 1,
                OptionalInt.of(200), Optional.empty(), Optional.empty(), second);
    }

    @Test
    void aFullQueueCountsWhatItCannotHoldAndWritesTheRest() {
        DataSource dataSource = EmbeddedDatabase.shared();
        EmbeddedDatabase.truncate(dataSource);
        // The writer starts only when the test says so, so the queue fills deterministically.
        AtomicReference<Runnable> heldWriter = new AtomicReference<>();
        JdbcRefreshLog log = EmbeddedDatabase.refreshLog("test-instance",
                new RefreshLogWriter.Settings(3, 2, Duration.ofMillis(100), Duration.ofSeconds(30)),
                heldWriter::set);
        opened.add(log);

        for (int second = 0; second < 5; second++) {
            log.record(attempt(second));
        }
        assertEquals(2, log.droppedAttempts(), "two attempts did not fit into a queue of three");

        Thread writer = new Thread(heldWriter.get(), "held-refresh-log-writer");
        writer.setDaemon(true);
        writer.start();

        assertEquals(List.of(attempt(2), attempt(1), attempt(0)), log.recent(KEY, 10));
    }

    @Test
    void manyAttemptsAreWrittenInBatchesAndAllReadBack() {
        JdbcRefreshLog log = (JdbcRefreshLog) newRefreshLog();
        for (int second = 0; second < 1_000; second++) {
            log.record(attempt(second));
        }

        assertTrue(log.flush(Duration.ofSeconds(30)), "the writer caught up");
        assertEquals(0, log.droppedAttempts());
        assertEquals(1_000, log.recent(KEY, 5_000).size());
        assertEquals(attempt(999), log.recent(KEY, 1).get(0));
    }

    @Test
    void rowsTheDatabaseRejectsAreCountedAndDoNotStallTheLog() {
        JdbcRefreshLog log = (JdbcRefreshLog) newRefreshLog();
        EmbeddedDatabase.execute(EmbeddedDatabase.shared(),
                "ALTER TABLE refresh_log ADD CONSTRAINT test_no_fence_13 CHECK (fence <> 13)");
        try {
            log.record(attempt(13));
            assertTrue(log.flush(Duration.ofSeconds(30)), "the rejected batch was settled, not retried forever");
            log.record(attempt(14));

            assertEquals(List.of(attempt(14)), log.recent(KEY, 10));
            assertEquals(1, log.droppedAttempts());
        } finally {
            EmbeddedDatabase.execute(EmbeddedDatabase.shared(),
                    "ALTER TABLE refresh_log DROP CONSTRAINT test_no_fence_13");
        }
    }
}
