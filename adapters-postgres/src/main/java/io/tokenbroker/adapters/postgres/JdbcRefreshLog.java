package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.audit.RefreshPage;
import io.tokenbroker.domain.audit.RefreshTotals;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executor;

/**
 * The audit trail on PostgreSQL. {@link #record} only enqueues into a {@link RefreshLogWriter}, which inserts in
 * batches. Reads ({@link #recent}, {@link #history}, {@link #totals}) first wait (bounded) for what this instance
 * enqueued before the call to be written, so a caller reads its own attempts.
 */
public final class JdbcRefreshLog implements RefreshLog, AutoCloseable {

    /** Bounds what a message may add to a row; messages are sanitised by their writers already. */
    private static final int MAX_MESSAGE_CHARS = 500;

    private final RefreshLogRepository rows;
    private final String instanceId;
    private final RefreshLogWriter writer;

    /**
     * @param writerExecutor runs the single writer task, which lives until {@link #close}; tests pass an executor
     *                       that starts it when they choose
     */
    public JdbcRefreshLog(RefreshLogRepository rows, String instanceId, RefreshLogWriter.Settings settings,
                          Executor writerExecutor) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.writer = new RefreshLogWriter(this::insert, settings, writerExecutor);
    }

    /** A log whose writer runs on its own daemon thread. */
    public static JdbcRefreshLog start(RefreshLogRepository rows, String instanceId,
                                       RefreshLogWriter.Settings settings) {
        return new JdbcRefreshLog(rows, instanceId, settings, RefreshLogWriter.daemonThread());
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
        List<RefreshAttempt> attempts = shown.stream().map(row -> attempt(key, row)).toList();
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

    private void insert(List<RefreshAttempt> batch) {
        rows.saveAll(batch.stream().map(this::row).toList());
    }

    private RefreshLogRow row(RefreshAttempt attempt) {
        return new RefreshLogRow(null, attempt.connection().tenant().value(), attempt.connection().connection().value(),
                attempt.trigger().name().toLowerCase(Locale.ROOT), attempt.outcome().name().toLowerCase(Locale.ROOT),
                attempt.startedAt(), attempt.completedAt(), attempt.duration().toMillis(), attempt.attempt(),
                attempt.upstreamStatus().isPresent() ? attempt.upstreamStatus().getAsInt() : null,
                attempt.errorCode().orElse(null), attempt.message().map(JdbcRefreshLog::bounded).orElse(null),
                instanceId, attempt.fence());
    }

    private static String bounded(String message) {
        return message.length() <= MAX_MESSAGE_CHARS ? message : message.substring(0, MAX_MESSAGE_CHARS);
    }

    private static RefreshAttempt attempt(ConnectionKey key, RefreshLogRow row) {
        OptionalInt upstreamStatus = row.upstreamStatus() == null ? OptionalInt.empty()
                : OptionalInt.of(row.upstreamStatus());
        return new RefreshAttempt(key,
                Trigger.valueOf(row.trigger().toUpperCase(Locale.ROOT)),
                Outcome.valueOf(row.outcome().toUpperCase(Locale.ROOT)),
                row.startedAt(), row.completedAt(), row.attempt(), upstreamStatus,
                Optional.ofNullable(row.errorCode()), Optional.ofNullable(row.message()), row.fence());
    }
}
