package io.tokenbroker.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.domain.audit.ChainHead;
import io.tokenbroker.domain.audit.ChainLink;
import io.tokenbroker.domain.audit.ChainVerification;
import io.tokenbroker.domain.audit.DroppedAttempts;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The PostgreSQL chain under concurrency, overflow and retention: one chain, visible gaps, one remover at a time. */
class ChainedRefreshLogTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private final List<JdbcRefreshLog> opened = new ArrayList<>();

    @BeforeEach
    void empty() {
        EmbeddedDatabase.truncate(EmbeddedDatabase.shared());
    }

    @AfterEach
    void closeLogs() {
        opened.forEach(JdbcRefreshLog::close);
    }

    private JdbcRefreshLog log(String instance) {
        JdbcRefreshLog log = EmbeddedDatabase.refreshLog(instance,
                new RefreshLogWriter.Settings(10_000, 7, Duration.ofMillis(100), Duration.ofSeconds(30)),
                RefreshLogWriter.daemonThread());
        opened.add(log);
        return log;
    }

    private static RefreshAttempt attempt(int n) {
        Instant startedAt = Instant.parse("2030-01-01T00:00:00Z").plusMillis(n);
        return new RefreshAttempt(KEY, Trigger.PROACTIVE, Outcome.SUCCESS, startedAt, startedAt.plusMillis(80), 1,
                OptionalInt.of(200), Optional.empty(), Optional.empty(), n);
    }

    private static ChainVerification.Verdict verify(JdbcRefreshLog log) {
        ChainHead head = log.head(KEY);
        ChainVerification walk = ChainVerification.from(head, Optional.empty());
        log.chain(KEY, head.fromSeq() - 1, 100_000).forEach(walk::add);
        return walk.finish();
    }

    @Test
    void twoWritersAppendingToOneConnectionAtOnceLeaveOneChain() throws Exception {
        JdbcRefreshLog first = log("instance-1");
        JdbcRefreshLog second = log("instance-2");
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (JdbcRefreshLog log : List.of(first, second)) {
            int offset = log == first ? 0 : 1_000_000;
            Thread writer = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException stopped) {
                    return;
                }
                for (int n = 0; n < 500; n++) {
                    log.record(attempt(offset + n));
                }
            });
            writer.start();
            writers.add(writer);
        }
        go.countDown();
        for (Thread writer : writers) {
            writer.join();
        }
        assertTrue(first.flush(Duration.ofSeconds(60)) && second.flush(Duration.ofSeconds(60)));

        List<ChainLink> links = first.chain(KEY, 0, 10_000);
        assertEquals(1_000, links.size());
        assertEquals(1_000, links.get(999).seq(), "seq 1 to 1000 without a gap or a repeat");
        assertEquals(Set.of("instance-1", "instance-2"),
                links.stream().map(ChainLink::instance).collect(Collectors.toSet()));
        assertTrue(verify(first).verified());
        assertEquals(1_000, verify(second).rows());
    }

    @Test
    void attemptsAFullQueueDroppedAppearInTheChainAsAGap() {
        AtomicReference<Runnable> heldWriter = new AtomicReference<>();
        JdbcRefreshLog log = EmbeddedDatabase.refreshLog("test-instance",
                new RefreshLogWriter.Settings(3, 10, Duration.ofMillis(100), Duration.ofSeconds(30)), heldWriter::set);
        opened.add(log);
        for (int n = 0; n < 5; n++) {
            log.record(attempt(n));
        }
        Thread writer = new Thread(heldWriter.get(), "held-refresh-log-writer");
        writer.setDaemon(true);
        writer.start();

        assertTrue(log.flush(Duration.ofSeconds(30)));
        List<ChainLink> links = log.chain(KEY, 0, 100);
        assertEquals(4, links.size(), "three attempts and one gap");
        DroppedAttempts gap = (DroppedAttempts) links.get(3).entry();
        assertEquals(2, gap.count());
        assertEquals(attempt(3).startedAt(), gap.startedAt());
        assertEquals(attempt(4).startedAt(), gap.completedAt());
        assertTrue(verify(log).verified());
        assertEquals(3, log.recent(KEY, 10).size(), "history lists attempts, not gaps");
        assertEquals(3, log.totals(KEY).attempts());
    }

    @Test
    void retentionRunsOnOneInstanceAtATime() throws Exception {
        JdbcRefreshLog log = log("instance-1");
        for (int n = 0; n < 10; n++) {
            log.record(attempt(n));
        }
        assertTrue(log.flush(Duration.ofSeconds(30)));
        Instant cutoff = attempt(4).startedAt();

        try (Connection other = EmbeddedDatabase.shared().getConnection();
             Statement statement = other.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + JdbcRefreshLog.RETENTION_LOCK + ")");
            assertEquals(OptionalLong.empty(), log.removeBefore(cutoff), "another instance holds the lock");
            assertEquals(10, log.chain(KEY, 0, 100).size());
            statement.execute("SELECT pg_advisory_unlock(" + JdbcRefreshLog.RETENTION_LOCK + ")");
        }

        assertEquals(OptionalLong.of(4), log.removeBefore(cutoff));
        assertEquals(5, log.head(KEY).fromSeq());
        assertEquals(6, verify(log).rows());
        assertTrue(verify(log).verified());
    }
}
