package io.tokenbroker.adapters.postgres;

import io.tokenbroker.domain.audit.ChainEntry;
import io.tokenbroker.domain.audit.DroppedAttempts;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The refresh log's write-behind: {@link #enqueue} never blocks the refresh it describes; one writer drains the
 * bounded queue and hands batches to the inserter. When the queue is full the attempt is counted in
 * {@link #droppedAttempts()} and logged, never dropped silently; when the database fails the batch is kept and
 * retried, unless the database rejects its content (then it is counted as dropped, so it cannot stall the log).
 * Dropped attempts are also gathered per connection and written with the next batch as one gap entry per connection
 * ({@link DroppedAttempts}), so the loss shows in the connection's chain.
 */
public final class RefreshLogWriter implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RefreshLogWriter.class.getName());

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

    private final Consumer<List<ChainEntry>> inserter;
    private final Settings settings;
    private final BlockingQueue<RefreshAttempt> queue;
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** Drops not yet written as gap entries, per connection. */
    private final ConcurrentMap<ConnectionKey, DroppedAttempts> gaps = new ConcurrentHashMap<>();
    private final ReentrantLock progress = new ReentrantLock();
    private final Condition progressed = progress.newCondition();
    /** How many enqueued attempts have been written or given up on; guarded by {@link #progress}. */
    private long settled;
    private volatile boolean closed;
    private volatile Thread writer;

    /**
     * @param inserter       writes one batch (attempts, then gap entries) atomically; throws on failure
     * @param writerExecutor runs the single writer task, which lives until {@link #close}; tests pass an executor
     *                       that starts it when they choose
     */
    public RefreshLogWriter(Consumer<List<ChainEntry>> inserter, Settings settings, Executor writerExecutor) {
        this.inserter = Objects.requireNonNull(inserter, "inserter");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        writerExecutor.execute(this::writeUntilClosed);
    }

    /** An executor that runs the writer on its own daemon thread. */
    public static Executor daemonThread() {
        return task -> {
            Thread thread = new Thread(task, "refresh-log-writer");
            thread.setDaemon(true);
            thread.start();
        };
    }

    public void enqueue(RefreshAttempt attempt) {
        Objects.requireNonNull(attempt, "attempt");
        // Counted before the offer, so the writer can never settle more than was counted.
        enqueued.incrementAndGet();
        if (!queue.offer(attempt)) {
            long total = dropped.incrementAndGet();
            noteGap(new DroppedAttempts(attempt.connection(), 1, attempt.startedAt(), attempt.startedAt()));
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

    /** Attempts enqueued and neither written nor counted as dropped yet: what a stop now would lose. */
    public long unwritten() {
        progress.lock();
        try {
            return enqueued.get() - settled;
        } finally {
            progress.unlock();
        }
    }

    /** Waits (bounded by the read-your-writes wait) until what was enqueued before the call is written. */
    public void awaitEnqueued() {
        awaitWritten(enqueued.get(), settings.readYourWritesWait());
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

    private void noteGap(DroppedAttempts gap) {
        gaps.merge(gap.connection(), gap, DroppedAttempts::and);
    }

    private void writeUntilClosed() {
        writer = Thread.currentThread();
        List<RefreshAttempt> batch = new ArrayList<>(settings.batchSize());
        List<DroppedAttempts> pendingGaps = new ArrayList<>();
        while (!closed) {
            try {
                if (batch.isEmpty() && pendingGaps.isEmpty()) {
                    takeBatch(batch);
                    takeGaps(pendingGaps);
                    if (batch.isEmpty() && pendingGaps.isEmpty()) {
                        continue;
                    }
                }
                List<ChainEntry> entries = new ArrayList<>(batch);
                entries.addAll(pendingGaps);
                inserter.accept(entries);
                settle(batch.size());
                batch.clear();
                pendingGaps.clear();
            } catch (InterruptedException stopping) {
                if (closed) {
                    break;
                }
            } catch (RuntimeException failure) {
                if (!survive(batch, pendingGaps, failure)) {
                    break;
                }
            }
        }
        if (!batch.isEmpty() || !queue.isEmpty()) {
            LOG.log(Level.WARNING, "the refresh log stopped with {0} attempts unwritten", batch.size() + queue.size());
        }
    }

    private void takeGaps(List<DroppedAttempts> into) {
        for (ConnectionKey key : gaps.keySet()) {
            DroppedAttempts gap = gaps.remove(key);
            if (gap != null) {
                into.add(gap);
            }
        }
    }

    /** Waits up to a second for a first attempt, then takes what else is queued, up to a batch. */
    private void takeBatch(List<RefreshAttempt> batch) throws InterruptedException {
        RefreshAttempt first = queue.poll(1, TimeUnit.SECONDS);
        if (first != null) {
            batch.add(first);
            queue.drainTo(batch, settings.batchSize() - 1);
        }
    }

    /** Handles a failed insert; false when the writer was closed while it waited to retry. */
    private boolean survive(List<RefreshAttempt> batch, List<DroppedAttempts> pendingGaps,
                            RuntimeException failure) {
        if (Storage.isPermanent(failure)) {
            // Retrying a batch the database rejects for its content would stall the whole log behind it. Its
            // attempts become gaps, written with the next batch (gap rows carry no content to reject).
            dropped.addAndGet(batch.size());
            batch.forEach(attempt -> noteGap(
                    new DroppedAttempts(attempt.connection(), 1, attempt.startedAt(), attempt.startedAt())));
            pendingGaps.forEach(this::noteGap);
            pendingGaps.clear();
            LOG.log(Level.ERROR, "the database rejected " + batch.size() + " refresh log rows (SQLState "
                    + Storage.sqlState(failure) + "); counted as dropped", failure);
            settle(batch.size());
            batch.clear();
            return true;
        }
        // Keep the batch; the queue absorbs new attempts meanwhile and counts what it cannot hold.
        LOG.log(Level.ERROR, "could not write " + batch.size() + " refresh log rows; retrying in "
                + settings.retryDelay().toMillis() + " ms", failure);
        return pause();
    }

    private boolean pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(settings.retryDelay().toMillis());
            return true;
        } catch (InterruptedException stopping) {
            return !closed;
        }
    }
}
