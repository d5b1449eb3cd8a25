package io.tokenbroker.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.transaction.TransactionOperations;
import io.tokenbroker.application.contract.RefreshLogContract;
import io.tokenbroker.domain.audit.ChainEntry;
import io.tokenbroker.domain.audit.ChainLink;
import io.tokenbroker.domain.audit.ChainVerification;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One batch over many chains: every chain linked, heads moved together, and no deadlock between two writers. */
class ChainAppenderTest {

    private static final int CONNECTIONS = 300;
    private JdbcRefreshLog reader;

    @BeforeEach
    void empty() {
        EmbeddedDatabase.truncate(EmbeddedDatabase.shared());
        reader = EmbeddedDatabase.refreshLog("reader", RefreshLogWriter.Settings.defaults(),
                RefreshLogWriter.daemonThread());
    }

    @AfterEach
    void close() {
        reader.close();
    }

    @SuppressWarnings("unchecked")
    private static ChainAppender appender(String instance) {
        return new ChainAppender(EmbeddedDatabase.bean(RefreshLogRepository.class),
                EmbeddedDatabase.bean(RefreshLogChainRepository.class),
                EmbeddedDatabase.bean(TransactionOperations.class), instance);
    }

    private static ConnectionKey key(int n) {
        return ConnectionKey.of("tenant-" + (n % 7), "connection-" + n);
    }

    private static RefreshAttempt attempt(int connection, int n) {
        Instant startedAt = Instant.parse("2030-01-01T00:00:00Z").plusMillis(n);
        return new RefreshAttempt(key(connection), Trigger.PROACTIVE, Outcome.SUCCESS, startedAt,
                startedAt.plusMillis(80), 1, OptionalInt.of(200), Optional.empty(), Optional.empty(), n);
    }

    /** Each connection in {@code connections} once, in that order, {@code rounds} times over. */
    private static List<ChainEntry> batch(List<Integer> connections, int rounds, int from) {
        List<ChainEntry> batch = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (int connection : connections) {
                batch.add(attempt(connection, from + batch.size()));
            }
        }
        return batch;
    }

    @Test
    void aBatchOverManyConnectionsLinksEveryChainOntoItsHead() {
        List<Integer> all = IntStream.range(0, CONNECTIONS).boxed().toList();
        List<Integer> backwards = new ArrayList<>(all);
        Collections.reverse(backwards);
        ChainAppender appender = appender("instance-1");

        appender.append(batch(all, 2, 0));
        appender.append(batch(backwards, 1, 10_000));

        for (int n = 0; n < CONNECTIONS; n++) {
            ConnectionKey key = key(n);
            List<ChainLink> links = reader.chain(key, 0, 100);
            assertEquals(List.of(1L, 2L, 3L), links.stream().map(ChainLink::seq).toList(), key.toString());
            assertEquals(key, links.get(2).entry().connection());
            assertEquals(3, reader.head(key).seq());
            ChainVerification.Verdict verdict = RefreshLogContract.verify(reader, key);
            assertTrue(verdict.verified(), key.toString());
            assertEquals(3, verdict.rows());
        }
    }

    @Test
    void twoWritersAppendingToOverlappingConnectionsLeaveOneChainEachWithoutDeadlock() throws Exception {
        List<Integer> all = IntStream.range(0, CONNECTIONS).boxed().toList();
        appender("instance-0").append(batch(all, 1, 0));
        int rounds = 3;
        CountDownLatch go = new CountDownLatch(1);
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> writers = new ArrayList<>();
        try (Connection holder = EmbeddedDatabase.shared().getConnection()) {
            // A third party holds one head in the middle of both writers' chains, so each writer's first batch
            // stops there holding part of its heads; handed over in opposite orders, only the common lock order
            // keeps the two from holding what the other waits for once the head is let go.
            holder.setAutoCommit(false);
            lockHead(holder, key(150));
            for (int w = 1; w <= 2; w++) {
                List<Integer> connections = new ArrayList<>(w == 1 ? all.subList(0, 280) : all.subList(20, 300));
                if (w == 2) {
                    Collections.reverse(connections);
                }
                List<List<ChainEntry>> batches = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    batches.add(batch(connections, 1, w * 1_000_000 + round * 1_000));
                }
                writers.add(writer(appender("instance-" + w), batches, go, failures));
            }
            go.countDown();
            awaitLockWaiters(holder, 2);
            holder.commit();
        }
        for (Thread writer : writers) {
            writer.join();
        }

        assertEquals(List.of(), List.copyOf(failures), "no batch failed, a detected deadlock included");
        for (int n = 0; n < CONNECTIONS; n++) {
            ConnectionKey key = key(n);
            int expected = 1 + (n >= 20 && n < 280 ? 2 * rounds : rounds);
            List<ChainLink> links = reader.chain(key, 0, 100);
            assertEquals(expected, links.size(), key.toString());
            assertEquals(expected, links.get(expected - 1).seq(), "no gap or repeat in " + key);
            ChainVerification.Verdict verdict = RefreshLogContract.verify(reader, key);
            assertTrue(verdict.verified(), key.toString());
            assertEquals(expected, verdict.rows());
        }
    }

    private static Thread writer(ChainAppender appender, List<List<ChainEntry>> batches, CountDownLatch go,
                                 Queue<Throwable> failures) {
        Thread writer = new Thread(() -> {
            try {
                go.await();
                batches.forEach(appender::append);
            } catch (InterruptedException | RuntimeException failure) {
                failures.add(failure);
            }
        });
        writer.start();
        return writer;
    }

    private static void lockHead(Connection holder, ConnectionKey key) throws SQLException {
        try (PreparedStatement lock = holder.prepareStatement(
                "SELECT seq FROM refresh_log_chains WHERE tenant = ? AND connection = ? FOR UPDATE")) {
            lock.setString(1, key.tenant().value());
            lock.setString(2, key.connection().value());
            try (ResultSet head = lock.executeQuery()) {
                assertTrue(head.next(), "the head exists");
            }
        }
    }

    /** Polls until {@code count} other sessions wait on a lock: both writers are stuck inside their first batch. */
    private static void awaitLockWaiters(Connection holder, int count) throws SQLException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        try (PreparedStatement waiting = holder.prepareStatement("""
                SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()""")) {
            while (true) {
                try (ResultSet rows = waiting.executeQuery()) {
                    rows.next();
                    if (rows.getInt(1) >= count) {
                        return;
                    }
                }
                assertTrue(Instant.now().isBefore(deadline), "both writers reach the held head");
            }
        }
    }
}
