package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import javax.sql.DataSource;

/**
 * Leases shared through PostgreSQL, for when Redis cannot be reached: a transaction-level advisory lock
 * ({@code pg_advisory_xact_lock}) keyed by a hash of tenant and connection, held in a transaction on a pool
 * connection of its own for as long as the lease is open. The transaction, not the session, holds it, so a
 * connection can never go back to the pool still holding a lock: closing the lease rolls back.
 *
 * <h2>A dead holder</h2>
 * A killed process's connection closes and the server drops its locks at once. A holder that hangs (or a network
 * that loses it) is ended by the server: the transaction sets {@code idle_in_transaction_session_timeout} to the
 * lease ttl, and the holder's watchdog runs a statement every third of the ttl, so only a holder that stopped
 * renewing is cut off, after one ttl. A renewal that fails means the lease was lost: it is logged and renewing stops;
 * the holder's late writes are refused by their fence.
 *
 * <h2>Fences</h2>
 * Issued under the lock as {@code max(highest stored + 1, now in microseconds, last issued here + 1)}: above every
 * rotation a holder stored (whoever issued its fence, Redis included) and, by the time term, above the fences Redis
 * issued from its own clock before it went away. The assumption, as for Redis: the instances' clocks agree to within
 * the time between two grants on one connection.
 *
 * <h2>Pool connections</h2>
 * Each open lease, and each waiter, holds one pool connection; at most {@code maxHeld} do at once (beyond that a
 * caller waits, within its {@code maxWait}, for one to finish), and bootstrap adds that many to the pool, so leases
 * never starve the statements that the refresh they guard has to run.
 */
public final class PostgresLockManager implements LockManager, AutoCloseable {

    /** SQLState of a lock wait that ran into {@code lock_timeout}. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final DataSource dataSource;
    private final ToLongFunction<ConnectionKey> highestStored;
    private final Clock clock;
    private final Semaphore connections;
    private final AtomicLong lastIssued = new AtomicLong();
    private final ScheduledExecutorService watchdog;

    /**
     * @param dataSource    the pool, unwrapped: a plain {@link DataSource} whose connections this class owns while held
     * @param highestStored the highest fence a rotation of a key was stored with, e.g. {@code Connections::highestFence}
     * @param maxHeld       pool connections held by leases and their waiters at once
     */
    public PostgresLockManager(DataSource dataSource, ToLongFunction<ConnectionKey> highestStored, Clock clock,
                               int maxHeld) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.highestStored = Objects.requireNonNull(highestStored, "highestStored");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxHeld < 1) {
            throw new IllegalArgumentException("at least one pool connection must be allowed for leases");
        }
        this.connections = new Semaphore(maxHeld, true);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tokenbroker-pg-lease-watchdog");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * @throws StorageUnavailableException when PostgreSQL cannot be reached (no lease is held then)
     */
    @Override
    public Optional<Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        try {
            if (!connections.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                return Optional.empty();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        Connection db = null;
        try {
            db = dataSource.getConnection();
            if (!lock(db, key, ttl, deadline - System.nanoTime())) {
                release(db);
                return Optional.empty();
            }
            PostgresLease lease = new PostgresLease(key, nextFence(key), db, connections);
            lease.renewEvery(ttl, watchdog);
            return Optional.of(lease);
        } catch (SQLException failed) {
            release(db);
            throw new StorageUnavailableException("taking the lease on " + key + " failed (SQLState "
                    + failed.getSQLState() + ")", failed);
        } catch (RuntimeException failed) {
            release(db);
            throw Storage.unavailable("taking the lease on " + key, failed);
        }
    }

    /** Begins the lease's transaction and takes the lock in it, waiting at most {@code nanos}. */
    private static boolean lock(Connection db, ConnectionKey key, Duration ttl, long nanos) throws SQLException {
        db.setAutoCommit(false);
        try (Statement settings = db.createStatement()) {
            // Ends a holder that stopped renewing (hung, partitioned) after one ttl, and with it the lock.
            settings.execute("SET LOCAL idle_in_transaction_session_timeout = " + Math.max(1, ttl.toMillis()));
            if (nanos > 0) {
                settings.execute("SET LOCAL lock_timeout = " + Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
                // The pool's statement_timeout (1 s, for the request path) would cancel a longer wait first, and
                // a cancellation is not "not acquired": the wait is bounded by lock_timeout alone.
                settings.execute("SET LOCAL statement_timeout = 0");
            }
        }
        String sql = nanos > 0 ? "SELECT pg_advisory_xact_lock(?)" : "SELECT pg_try_advisory_xact_lock(?)";
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setLong(1, lockId(key));
            try (ResultSet result = statement.executeQuery()) {
                // pg_advisory_xact_lock returns void (read as null); it either got the lock or threw.
                return result.next() && (nanos > 0 || result.getBoolean(1));
            }
        } catch (SQLException failed) {
            if (LOCK_NOT_AVAILABLE.equals(failed.getSQLState())) {
                return false;
            }
            throw failed;
        }
    }

    private long nextFence(ConnectionKey key) {
        Instant now = clock.instant();
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        long floor = Math.max(highestStored.applyAsLong(key) + 1, micros);
        return lastIssued.updateAndGet(last -> Math.max(last + 1, floor));
    }

    /** Gives a connection that holds no lease back to the pool, and its slot. */
    private void release(Connection db) {
        try {
            if (db != null) {
                PostgresLease.rollBackAndClose(db);
            }
        } finally {
            connections.release();
        }
    }

    /**
     * The advisory lock id of a connection: 64 bits of SHA-256 over a prefix, the tenant and the connection name, so
     * no two connections share a lock in practice and the broker's ids stay apart from other users of the database.
     */
    static long lockId(ConnectionKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("tokenbroker-lease\u0000"
                    + key.tenant().value() + "\u0000" + key.connection().value()).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JDK has SHA-256", impossible);
        }
    }

    /** Stops renewing, as a dead instance would: leases still open then end after one ttl. */
    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
