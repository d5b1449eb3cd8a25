package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One open {@link PostgresLockManager} lease: the transaction that holds the advisory lock, on a pool connection of
 * its own. Its monitor serialises the holder's close and the watchdog's renewals on that connection.
 */
final class PostgresLease implements Lease {

    private static final System.Logger LOG = System.getLogger(PostgresLockManager.class.getName());

    private final ConnectionKey key;
    private final long fence;
    private final Semaphore slots;
    private Connection db;
    private ScheduledFuture<?> renewal;

    PostgresLease(ConnectionKey key, long fence, Connection db, Semaphore slots) {
        this.key = key;
        this.fence = fence;
        this.db = db;
        this.slots = slots;
    }

    synchronized void renewEvery(Duration ttl, ScheduledExecutorService watchdog) {
        long period = Math.max(1, ttl.toMillis() / 3);
        renewal = watchdog.scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
    }

    /** A statement in the transaction resets the server's idle timer; failing, the lock is gone with the session. */
    private synchronized void renew() {
        if (db == null) {
            return;
        }
        try (Statement statement = db.createStatement()) {
            statement.execute("SELECT 1");
        } catch (SQLException lost) {
            LOG.log(Level.WARNING, "the PostgreSQL lease on {0} (fence {1}) was lost while held (SQLState {2})",
                    key, fence, lost.getSQLState());
            renewal.cancel(false);
        }
    }

    @Override
    public ConnectionKey key() {
        return key;
    }

    @Override
    public long fence() {
        return fence;
    }

    @Override
    public void close() {
        Connection held;
        synchronized (this) {
            if (db == null) {
                return;
            }
            held = db;
            db = null;
            if (renewal != null) {
                renewal.cancel(false);
            }
        }
        try {
            rollBackAndClose(held);
        } finally {
            slots.release();
        }
    }

    /** Ends the transaction, and with it any lock it holds, and gives the connection back. Never throws. */
    static void rollBackAndClose(Connection db) {
        try (db) {
            db.rollback();
            db.setAutoCommit(true);
        } catch (SQLException | RuntimeException broken) {
            // A broken connection has lost its session, and the server its locks; the pool discards it.
            LOG.log(Level.DEBUG, "closing a lease connection failed", broken);
        }
    }

    @Override
    public String toString() {
        return "PostgresLease[" + key + ", fence=" + fence + "]";
    }
}
