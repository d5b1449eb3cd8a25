package io.tokenbroker.adapters.postgres;

import io.micronaut.transaction.TransactionOperations;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.domain.audit.ChainHead;
import io.tokenbroker.domain.audit.ChainLink;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshPage;
import io.tokenbroker.domain.audit.RefreshTotals;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executor;

/**
 * The audit trail on PostgreSQL. {@link #record} only enqueues into a {@link RefreshLogWriter}, which inserts in
 * batches. Reads ({@link #recent}, {@link #history}, {@link #totals}) first wait (bounded) for what this instance
 * enqueued before the call to be written, so a caller reads its own attempts. Batches are appended to the
 * connections' hash chains by a {@link ChainAppender}; retention ({@link #removeBefore}) runs on one instance at a time
 * under a PostgreSQL advisory lock, since the rows it removes live there too.
 */
public final class JdbcRefreshLog implements RefreshLog, AutoCloseable {

    /** The advisory lock key of retention: "tbk-ret" in ASCII, unlikely to meet another application's key. */
    static final long RETENTION_LOCK = 0x74626b2d726574L;

    private final RefreshLogRepository rows;
    private final RefreshLogChainRepository chains;
    private final TransactionOperations<Connection> transactions;
    private final RefreshLogWriter writer;

    /**
     * @param writerExecutor runs the single writer task, which lives until {@link #close}; tests pass an executor
     *                       that starts it when they choose
     */
    public JdbcRefreshLog(RefreshLogRepository rows, RefreshLogChainRepository chains,
                          TransactionOperations<Connection> transactions, String instanceId,
                          RefreshLogWriter.Settings settings, Executor writerExecutor) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.chains = Objects.requireNonNull(chains, "chains");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        ChainAppender appender = new ChainAppender(rows, chains, transactions, instanceId);
        this.writer = new RefreshLogWriter(appender::append, settings, writerExecutor);
    }

    /** A log whose writer runs on its own daemon thread. */
    public static JdbcRefreshLog start(RefreshLogRepository rows, RefreshLogChainRepository chains,
                                       TransactionOperations<Connection> transactions, String instanceId,
                                       RefreshLogWriter.Settings settings) {
        return new JdbcRefreshLog(rows, chains, transactions, instanceId, settings, RefreshLogWriter.daemonThread());
    }

    @Override
    public void record(RefreshAttempt attempt) {
        writer.enqueue(attempt);
    }

    /** {@link RefreshLogWriter#queueDepth()} */
    public int queueDepth() {
        return writer.queueDepth();
    }

    /** {@link RefreshLogWriter#droppedAttempts()} */
    public long droppedAttempts() {
        return writer.droppedAttempts();
    }

    /** {@link RefreshLogWriter#flush(Duration)} */
    public boolean flush(Duration maxWait) {
        return writer.flush(maxWait);
    }

    /** Attempts recorded and not written yet (nor counted as dropped). */
    public long unwritten() {
        return writer.unwritten();
    }

    @Override
    public void close() {
        writer.close();
    }

    @Override
    public List<RefreshAttempt> recent(ConnectionKey key, int limit) {
        return history(key, Optional.empty(), limit).attempts();
    }

    @Override
    public RefreshPage history(ConnectionKey key, Optional<RefreshPage.Cursor> after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the limit must be at least 1");
        }
        writer.awaitEnqueued();
        String tenant = key.tenant().value();
        String connection = key.connection().value();
        // One row more than asked tells whether another page follows.
        List<RefreshLogRow> page = Storage.call("reading the refresh log of " + key, () -> after.isEmpty()
                ? rows.firstPage(tenant, connection, limit + 1)
                : rows.nextPage(tenant, connection, after.get().startedAt(), after.get().sequence(), limit + 1));
        List<RefreshLogRow> shown = page.subList(0, Math.min(limit, page.size()));
        List<RefreshAttempt> attempts = shown.stream().map(row -> ChainRows.attempt(key, row)).toList();
        Optional<RefreshPage.Cursor> next = page.size() > limit
                ? Optional.of(new RefreshPage.Cursor(shown.get(limit - 1).startedAt(), shown.get(limit - 1).id()))
                : Optional.empty();
        return new RefreshPage(attempts, next);
    }

    @Override
    public RefreshTotals totals(ConnectionKey key) {
        writer.awaitEnqueued();
        RefreshCounts counts = Storage.call("totalling the refresh log of " + key,
                () -> rows.totals(key.tenant().value(), key.connection().value()));
        return new RefreshTotals(counts.attempts(), counts.successes(), counts.attempts() - counts.successes(),
                counts.attempts() == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(counts.average())));
    }

    @Override
    public List<ChainLink> chain(ConnectionKey key, long afterSeq, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the limit must be at least 1");
        }
        writer.awaitEnqueued();
        return Storage.call("reading the chain of " + key, () -> rows.chain(key.tenant().value(),
                key.connection().value(), afterSeq, limit)).stream().map(row -> ChainRows.link(key, row)).toList();
    }

    @Override
    public ChainHead head(ConnectionKey key) {
        writer.awaitEnqueued();
        return Storage.call("reading the chain head of " + key,
                () -> chains.find(key.tenant().value(), key.connection().value()))
                .map(row -> ChainRows.head(key, row)).orElseGet(() -> ChainHead.empty(key));
    }

    @Override
    public List<ChainHead> heads() {
        writer.awaitEnqueued();
        return Storage.call("reading the chain heads", chains::findAll).stream()
                .map(row -> ChainRows.head(ConnectionKey.of(row.tenant(), row.connection()), row)).toList();
    }

    @Override
    public OptionalLong removeBefore(Instant cutoff) {
        return Storage.call("removing refresh log rows before " + cutoff, () -> transactions.executeWrite(status -> {
            if (!chains.tryLock(RETENTION_LOCK)) {
                return OptionalLong.empty();
            }
            long removed = rows.deleteUnchainedBefore(cutoff);
            for (ChainCut cut : rows.cuts(cutoff)) {
                chains.cut(cut.tenant(), cut.connection(), cut.seq(), cut.hash());
                removed += rows.deleteThrough(cut.tenant(), cut.connection(), cut.seq());
            }
            return OptionalLong.of(removed);
        }));
    }
}
