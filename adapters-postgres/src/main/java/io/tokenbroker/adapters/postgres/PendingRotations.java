package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.port.out.Sealed;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Write-behind for rotated refresh tokens: each is written with the fenced compare-and-set, and when the database
 * cannot be reached it stays sealed in a slot in this process until a later write or {@link #flush} gets through.
 * A slot lives in this process only; Redis-backed slots that survive a crash are a follow-up.
 */
public final class PendingRotations {

    private static final System.Logger LOG = System.getLogger(PendingRotations.class.getName());

    /** A rotated refresh token, sealed, with the fence of the lease that obtained it. */
    record Rotation(Sealed refreshToken, Optional<Instant> expiresAt, long fence) {
    }

    private final ConnectionRepository rows;
    private final Clock clock;
    private final ConcurrentMap<ConnectionKey, Rotation> pending = new ConcurrentHashMap<>();
    private final ReentrantLock flushing = new ReentrantLock();

    public PendingRotations(ConnectionRepository rows, Clock clock) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Writes the rotation if its fence is higher than the stored one; keeps it in a slot when the database is
     * unreachable (and answers true: it is the connection's refresh token from now on).
     */
    boolean write(ConnectionKey key, Rotation rotation) {
        try {
            boolean written = Storage.call("rotating the refresh token of " + key, () -> compareAndSet(key, rotation));
            if (written) {
                pending.computeIfPresent(key, (k, waiting) -> waiting.fence() <= rotation.fence() ? null : waiting);
            } else {
                LOG.log(Level.WARNING, "refused the refresh-token rotation of {0} with fence {1}: a writer with an "
                        + "equal or higher fence already stored one, or the connection is gone", key, rotation.fence());
            }
            return written;
        } catch (StorageUnavailableException unavailable) {
            pending.merge(key, rotation, (waiting, newer) -> newer.fence() > waiting.fence() ? newer : waiting);
            LOG.log(Level.ERROR, "the database is unavailable: the rotated refresh token of {0} (fence {1}) is kept "
                    + "encrypted in memory and written when it returns ({2})", key, rotation.fence(),
                    unavailable.getMessage());
            return true;
        }
    }

    /** The slot of {@code key} if it is newer than what the database holds ({@code storedFence}). */
    Optional<Rotation> newerThan(ConnectionKey key, long storedFence) {
        Rotation waiting = pending.get(key);
        return waiting != null && waiting.fence() > storedFence ? Optional.of(waiting) : Optional.empty();
    }

    /** The highest fence of {@code key}, counting a slot not written yet. */
    long highestFence(ConnectionKey key, long storedFence) {
        Rotation waiting = pending.get(key);
        return waiting == null ? storedFence : Math.max(storedFence, waiting.fence());
    }

    /** Drops the slot of {@code key}: what an operator saved or removed replaces a rotation still waiting. */
    void forget(ConnectionKey key) {
        pending.remove(key);
    }

    /** How many rotated refresh tokens wait for the database in this process. */
    public int size() {
        return pending.size();
    }

    /**
     * Writes the slots the database accepts; called on every read and rotation, and on a schedule.
     *
     * @return how many slots were settled (written, or refused because a newer token was stored meanwhile)
     * @throws StorageUnavailableException when the database still cannot be reached; the slots stay
     */
    public int flush() {
        if (pending.isEmpty() || !flushing.tryLock()) {
            return 0;
        }
        try {
            int settled = 0;
            for (Map.Entry<ConnectionKey, Rotation> slot : pending.entrySet()) {
                settle(slot.getKey(), slot.getValue());
                settled++;
            }
            return settled;
        } finally {
            flushing.unlock();
        }
    }

    /** {@link #flush} for callers whose own statement reports an outage; the slots stay for the next try. */
    void flushQuietly() {
        try {
            flush();
        } catch (StorageUnavailableException stillDown) {
            // The caller's own statement reports the outage.
        }
    }

    private void settle(ConnectionKey key, Rotation waiting) {
        boolean written = Storage.call("writing the pending rotation of " + key, () -> compareAndSet(key, waiting));
        if (written) {
            LOG.log(Level.INFO, "wrote the pending refresh-token rotation of {0} (fence {1})", key, waiting.fence());
        } else {
            LOG.log(Level.WARNING, "dropped the pending refresh-token rotation of {0} (fence {1}): a newer one was "
                    + "stored meanwhile, or the connection is gone", key, waiting.fence());
        }
        pending.remove(key, waiting);
    }

    private boolean compareAndSet(ConnectionKey key, Rotation rotation) {
        return rows.rotate(key.tenant().value(), key.connection().value(), rotation.refreshToken().keyId(),
                rotation.refreshToken().bytes(), rotation.expiresAt().orElse(null), rotation.fence(),
                clock.instant()) == 1;
    }
}
