package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.application.port.out.RefreshPage;
import io.tokenbroker.application.port.out.RefreshTotals;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The audit trail on PostgreSQL. {@link #record} only enqueues (never blocks the refresh it describes); one writer
 * drains the bounded queue and inserts in batches. When the queue is full the attempt is counted in
 * {@link #droppedAttempts()} and logged, never dropped silently; when the database fails the batch is kept and
 * retried. Reads ({@link #recent}, {@link #history}, {@link #totals}) first wait (bounded) for what this instance enqueued before the call to be written, so a
 * caller reads its own attempts.
 */
public final class JdbcRefreshLog implements RefreshLog, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(JdbcRefreshLog.class.getName());
    private static final String INSERT = """
            INSERT INTO refresh_log (tenant, connection, trigger, outcome, started_at, completed_at, duration_ms,
                                     attempt, upstream_status, error_code, message, instance_id, fence)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String COLUMNS = """
            SELECT trigger, outcome, started_at, completed_at, attempt, upstream_status, error_code, message, fence, id
              FROM refresh_log""";
    private static final String FIRST_PAGE = COLUMNS + " " + """
             WHERE tenant = ? AND connection = ?
             ORDER BY started_at DESC, id DESC LIMIT ?""";
    private static final String NEXT_PAGE = COLUMNS + " " + """
             WHERE tenant = ? AND connection = ? AND (started_at, id) < (?, ?)
             ORDER BY started_at DESC, id DESC LIMIT ?""";
    private static final String TOTALS = """
            SELECT count(*), count(*) FILTER (WHERE outcome = 'success'), round(avg(duration_ms))
              FROM refresh_log WHERE tenant = ? AND connection = ?""";
    /** Bounds what a message may add to a row; messages are sanitised by their writers already. */
    private static final int MAX_MESSAGE_CHARS = 500;

    /** Tuning of the writer; the defaults suit one broker instance. */
    public record Settings(int queueCapacity, int batchSize, Duration retryDelay, Duration readYourWritesWait) {

        public Settings {
            if (queueCapacity < 1 || batchSize < 1) {
                throw new IllegalArgumentException("capacity and batch size must be at least 1");
            }
            Objects.requireNonNull(retryDelay, "retryDelay");
            Objects.requireNonNull(readYourWritesWait, "readYourWritesWait");
        }

        public static Settings defaults() {
            return new Settings(10_000, 200, Duration.ofSeconds(1), Duration.ofSeconds(2));
        }
    }

    private final DataSource dataSource;
    private final String instanceId;
    private final Settings settings;
    private final BlockingQueue<RefreshAttempt> queue;
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final ReentrantLock progress = new ReentrantLock();
    private final Condition progressed = progress.newCondition();
    /** How many enqueued attempts have been written or given up on; guarded by {@link #progress}. */
    private long settled;
    private volatile boolean closed;
    private volatile Thread writer;

    /**
     * @param writerExecutor runs the single writer task, which lives until {@link #close}; tests pass an executor
     *                       that starts it when they choose
     */
    public JdbcRefreshLog(DataSource dataSource, String instanceId, Settings settings, Executor writerExecutor) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        writerExecutor.execute(this::writeUntilClosed);
    }

    /** A writer on its own daemon thread. */
    public static JdbcRefreshLog start(DataSource dataSource, String instanceId, Settings settings) {
        return new JdbcRefreshLog(dataSource, instanceId, settings, task -> {
            Thread thread = new Thread(task, "refresh-log-writer");
            thread.setDaemon(true);
            thread.start();
        });
    }

    @Override
    public void record(RefreshAttempt attempt) {
        Objects.requireNonNull(attempt, "attempt");
        // Counted before the offer, so the writer can never settle more than was counted.
        enqueued.incrementAndGet();
        if (!queue.offer(attempt)) {
            long total = dropped.incrementAndGet();
            settle(1);
            // Powers of two: the first drop and then ever rarer lines, so a flood cannot flood the log too.
            if (Long.bitCount(total) == 1) {
                LOG.log(Level.ERROR, "the refresh log queue is full ({0} attempts): dropped an attempt of {1}; "
                        + "{2} dropped so far", settings.queueCapacity(), attempt.connection(), total);
            }
        }
    }

    /** Attempts waiting in the queue for the writer right now: a growing depth means the database is slow or down. */
    public int queueDepth() {
        return queue.size();
    }

    /** Attempts not written, since start: refused because the queue was full, or rejected by the database. */
    public long droppedAttempts() {
        return dropped.get();
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
        awaitWritten(enqueued.get());
        try (var db = dataSource.getConnection();
             PreparedStatement select = db.prepareStatement(after.isPresent() ? NEXT_PAGE : FIRST_PAGE)) {
            int parameter = 1;
            select.setString(parameter++, key.tenant().value());
            select.setString(parameter++, key.connection().value());
            if (after.isPresent()) {
                select.setObject(parameter++, timestamp(after.get().startedAt()));
                select.setLong(parameter++, after.get().sequence());
            }
            // One row more than asked tells whether another page follows.
            select.setInt(parameter, limit + 1);
            List<RefreshAttempt> attempts = new ArrayList<>();
            long lastId = 0;
            boolean more = false;
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    if (attempts.size() == limit) {
                        more = true;
                        break;
                    }
                    attempts.add(attempt(key, row));
                    lastId = row.getLong(10);
                }
            }
            Optional<RefreshPage.Cursor> next = more
                    ? Optional.of(new RefreshPage.Cursor(attempts.get(attempts.size() - 1).startedAt(), lastId))
                    : Optional.empty();
            return new RefreshPage(attempts, next);
        } catch (SQLException failure) {
            throw unavailable("reading the refresh log of " + key, failure);
        }
    }

    @Override
    public RefreshTotals totals(ConnectionKey key) {
        awaitWritten(enqueued.get());
        try (var db = dataSource.getConnection(); PreparedStatement select = db.prepareStatement(TOTALS)) {
            select.setString(1, key.tenant().value());
            select.setString(2, key.connection().value());
            try (ResultSet row = select.executeQuery()) {
                row.next();
                long attempts = row.getLong(1);
                long successes = row.getLong(2);
                long averageMillis = row.getLong(3);
                return new RefreshTotals(attempts, successes, attempts - successes,
                        attempts == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(averageMillis)));
            }
        } catch (SQLException failure) {
            throw unavailable("totalling the refresh log of " + key, failure);
        }
    }

    private static StorageUnavailableException unavailable(String doing, SQLException failure) {
        return new StorageUnavailableException(doing + " failed (SQLState " + failure.getSQLState() + ")", failure);
    }

    /**
     * Waits until every attempt enqueued before the call is written, or {@code maxWait} ran out.
     *
     * @return true if everything was written
     */
    public boolean flush(Duration maxWait) {
        return awaitWritten(enqueued.get(), maxWait);
    }

    /** Stops the writer after it wrote what is queued (bounded by the read-your-writes wait). */
    @Override
    public void close() {
        flush(settings.readYourWritesWait());
        closed = true;
        Thread running = writer;
        if (running != null) {
            running.interrupt();
        }
    }

    private void awaitWritten(long target) {
        awaitWritten(target, settings.readYourWritesWait());
    }

    private boolean awaitWritten(long target, Duration maxWait) {
        long nanos = maxWait.toNanos();
        progress.lock();
        try {
            while (settled < target) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = progressed.awaitNanos(nanos);
            }
            return true;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            progress.unlock();
        }
    }

    private void settle(int count) {
        progress.lock();
        try {
            settled += count;
            progressed.signalAll();
        } finally {
            progress.unlock();
        }
    }

    private void writeUntilClosed() {
        writer = Thread.currentThread();
        List<RefreshAttempt> batch = new ArrayList<>(settings.batchSize());
        while (!closed) {
            try {
                if (batch.isEmpty()) {
                    RefreshAttempt first = queue.poll(1, TimeUnit.SECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, settings.batchSize() - 1);
                }
                insert(batch);
                settle(batch.size());
                batch.clear();
            } catch (InterruptedException stopping) {
                if (closed) {
                    break;
                }
            } catch (SQLException failure) {
                if (isPermanent(failure)) {
                    // Retrying a batch the database rejects for its content would stall the whole log behind it.
                    dropped.addAndGet(batch.size());
                    LOG.log(Level.ERROR, "the database rejected " + batch.size() + " refresh log rows (SQLState "
                            + failure.getSQLState() + "); counted as dropped", failure);
                    settle(batch.size());
                    batch.clear();
                    continue;
                }
                // Keep the batch; the queue absorbs new attempts meanwhile and counts what it cannot hold.
                LOG.log(Level.ERROR, "could not write " + batch.size() + " refresh log rows; retrying in "
                        + settings.retryDelay().toMillis() + " ms", failure);
                if (!pause()) {
                    break;
                }
            } catch (RuntimeException failure) {
                LOG.log(Level.ERROR, "could not write " + batch.size() + " refresh log rows; retrying in "
                        + settings.retryDelay().toMillis() + " ms", failure);
                if (!pause()) {
                    break;
                }
            }
        }
        if (!batch.isEmpty() || !queue.isEmpty()) {
            LOG.log(Level.WARNING, "the refresh log stopped with {0} attempts unwritten", batch.size() + queue.size());
        }
    }

    /** Data exceptions (22) and integrity violations (23) fail the same way on every retry. */
    private static boolean isPermanent(SQLException failure) {
        String state = failure.getSQLState();
        if (state == null && failure.getNextException() != null) {
            state = failure.getNextException().getSQLState();
        }
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    private boolean pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(settings.retryDelay().toMillis());
            return true;
        } catch (InterruptedException stopping) {
            return !closed;
        }
    }

    private void insert(List<RefreshAttempt> batch) throws SQLException {
        try (var db = dataSource.getConnection(); PreparedStatement insert = db.prepareStatement(INSERT)) {
            for (RefreshAttempt attempt : batch) {
                insert.setString(1, attempt.connection().tenant().value());
                insert.setString(2, attempt.connection().connection().value());
                insert.setString(3, attempt.trigger().name().toLowerCase(Locale.ROOT));
                insert.setString(4, attempt.outcome().name().toLowerCase(Locale.ROOT));
                insert.setObject(5, timestamp(attempt.startedAt()));
                insert.setObject(6, timestamp(attempt.completedAt()));
                insert.setLong(7, attempt.duration().toMillis());
                insert.setInt(8, attempt.attempt());
                if (attempt.upstreamStatus().isPresent()) {
                    insert.setInt(9, attempt.upstreamStatus().getAsInt());
                } else {
                    insert.setNull(9, Types.INTEGER);
                }
                insert.setString(10, attempt.errorCode().orElse(null));
                insert.setString(11, attempt.message().map(JdbcRefreshLog::bounded).orElse(null));
                insert.setString(12, instanceId);
                insert.setLong(13, attempt.fence());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static String bounded(String message) {
        return message.length() <= MAX_MESSAGE_CHARS ? message : message.substring(0, MAX_MESSAGE_CHARS);
    }

    private static RefreshAttempt attempt(ConnectionKey key, ResultSet row) throws SQLException {
        int status = row.getInt(6);
        OptionalInt upstreamStatus = row.wasNull() ? OptionalInt.empty() : OptionalInt.of(status);
        return new RefreshAttempt(key,
                Trigger.valueOf(row.getString(1).toUpperCase(Locale.ROOT)),
                Outcome.valueOf(row.getString(2).toUpperCase(Locale.ROOT)),
                instant(row, 3), instant(row, 4), row.getInt(5), upstreamStatus,
                Optional.ofNullable(row.getString(7)), Optional.ofNullable(row.getString(8)), row.getLong(9));
    }

    private static Instant instant(ResultSet row, int column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
