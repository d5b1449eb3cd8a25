package io.tokenbroker.adapters.postgres;

import io.tokenbroker.adapters.postgres.AssociatedData.Field;
import io.tokenbroker.adapters.postgres.DurableRotations.Held;
import io.tokenbroker.application.port.out.Sealed;
import io.tokenbroker.application.port.out.Seals;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Write-behind for rotated refresh tokens: each is written with the fenced compare-and-set, and when the database
 * cannot be reached it stays sealed in a slot in this process and, before the caller is answered, in a durable place
 * ({@link DurableRotations}: Redis, a local file) that survives this process, until a later write or {@link #flush}
 * by any instance gets through. Reads see the newest of the stored token, this process's slot and the durable one.
 */
public final class PendingRotations {

    private static final System.Logger LOG = System.getLogger(PendingRotations.class.getName());

    /** A rotated refresh token, sealed for its column, with the fence of the lease that obtained it. */
    record Rotation(Sealed refreshToken, Optional<Instant> expiresAt, long fence) {
    }

    private final ConnectionRepository rows;
    private final Clock clock;
    private final Seals cipher;
    private final DatabaseBreaker database;
    private final DurableRotations durable;
    private final ConcurrentMap<ConnectionKey, Rotation> pending = new ConcurrentHashMap<>();
    private final ReentrantLock flushing = new ReentrantLock();

    PendingRotations(ConnectionRepository rows, Clock clock, Seals cipher, DatabaseBreaker database,
                     DurableRotations durable) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.database = Objects.requireNonNull(database, "database");
        this.durable = Objects.requireNonNull(durable, "durable");
    }

    /**
     * Writes the rotation if its fence is higher than the stored one; keeps it in a slot, here and durably, when the
     * database is unreachable (and answers true: it is the connection's refresh token from now on).
     */
    boolean write(ConnectionKey key, Secret refreshToken, Optional<Instant> expiresAt, long fence) {
        Rotation rotation = new Rotation(new AssociatedData(key, Field.REFRESH_TOKEN).seal(cipher, refreshToken),
                expiresAt, fence);
        // During an outage the write may be the breaker's probe, which waits up to the pool's connection timeout: the
        // upstream has already used up the old token, so the new one is made durable first, or a crash during that
        // wait would lose it.
        boolean heldFirst = database.isDown() && durable.hold(key, refreshToken, expiresAt, fence);
        try {
            boolean written = database.call("rotating the refresh token of " + key, () -> compareAndSet(key, rotation));
            if (heldFirst) {
                durable.release(key, fence);
            }
            if (written) {
                pending.computeIfPresent(key, (k, waiting) -> waiting.fence() <= rotation.fence() ? null : waiting);
            } else {
                LOG.log(Level.WARNING, "refused the refresh-token rotation of {0} with fence {1}: a writer with an "
                        + "equal or higher fence already stored one, or the connection is gone", key, fence);
            }
            return written;
        } catch (StorageUnavailableException unavailable) {
            pending.merge(key, rotation, (waiting, newer) -> newer.fence() > waiting.fence() ? newer : waiting);
            boolean held = heldFirst || durable.hold(key, refreshToken, expiresAt, fence);
            LOG.log(Level.ERROR, "the database is unavailable: the rotated refresh token of {0} (fence {1}) is kept "
                    + "encrypted {2} and written when it returns ({3})", key, fence,
                    held ? "in memory and durably" : "in memory only", unavailable.getMessage());
            return true;
        }
    }

    /**
     * The newest pending rotation of {@code key}, here or durable. A reader of the row takes this <em>before</em> the
     * row: a write-back stores the row and then releases the slot, so a slot gone by the time the row is read means
     * the row has it; the other way round a write-back between the two reads left the reader with the row it had read
     * before, the superseded refresh token.
     */
    Optional<Rotation> newest(ConnectionKey key) {
        return newer(key, Optional.ofNullable(pending.get(key)), durable.newest(key));
    }

    /**
     * Publishes a rotation the vault took (stored, or waiting here), so that another instance serving from memory
     * during a later outage presents it rather than the refresh token it last read; best effort, without waiting.
     */
    void publish(ConnectionKey key, Secret refreshToken, Optional<Instant> expiresAt, long fence) {
        durable.publish(key, refreshToken, expiresAt, fence);
    }

    /**
     * For a read during an outage: the newer of {@code waiting} ({@link #newest}) and the rotation last published by
     * any instance. The row this instance remembers may predate rotations another instance stored before the outage;
     * presenting its refresh token would be a reuse, which a reuse-detecting provider answers by revoking the grant.
     */
    Optional<Rotation> withPublished(ConnectionKey key, Optional<Rotation> waiting) {
        return newer(key, waiting, durable.published(key));
    }

    /** {@code candidate}, sealed for the column, when its fence is higher than {@code current}'s; else current. */
    private Optional<Rotation> newer(ConnectionKey key, Optional<Rotation> current, Optional<Held> candidate) {
        if (candidate.isEmpty() || candidate.get().fence() <= current.map(Rotation::fence).orElse(0L)) {
            return current;
        }
        return candidate.map(found -> new Rotation(new AssociatedData(key, Field.REFRESH_TOKEN)
                .seal(cipher, found.refreshToken()), found.expiresAt(), found.fence()));
    }

    /**
     * Drops the slots and the published rotation of {@code key}: what an operator saved or removed replaces a
     * rotation still waiting, and a connection saved again under the same name must not inherit the old grant's.
     */
    void forget(ConnectionKey key) {
        pending.remove(key);
        durable.release(key, Long.MAX_VALUE);
        durable.unpublish(key);
    }

    /** Drops this process's slot of {@code key} (the connection is gone); a durable one is settled by a flush. */
    void forgetHere(ConnectionKey key) {
        pending.remove(key);
    }

    /** How many rotated refresh tokens wait for the database in this process. */
    public int size() {
        return pending.size();
    }

    /** Rotations since start that no durable place took (kept in this process's memory only). */
    public long atRisk() {
        return durable.atRisk();
    }

    /**
     * Writes the slots the database accepts, this process's and the durable ones any instance left; called on every
     * read and rotation, and on a schedule.
     *
     * @return how many slots were settled (written, or refused because a newer token was stored meanwhile)
     * @throws StorageUnavailableException when the database still cannot be reached; the slots stay
     */
    public int flush() {
        Set<ConnectionKey> waiting = new LinkedHashSet<>(pending.keySet());
        waiting.addAll(durable.held());
        return settleAll(waiting);
    }

    /**
     * Writes this process's slots, quietly: for callers whose own statement reports an outage (the slots stay for the
     * next try). Durable slots other instances left are read through by {@link #newest} and written by
     * {@link #flush}, so a read costs no listing of them.
     */
    void flushQuietly() {
        if (pending.isEmpty()) {
            return;
        }
        try {
            settleAll(Set.copyOf(pending.keySet()));
        } catch (StorageUnavailableException stillDown) {
            // The caller's own statement reports the outage.
        }
    }

    private int settleAll(Set<ConnectionKey> waiting) {
        if (waiting.isEmpty() || !flushing.tryLock()) {
            return 0;
        }
        try {
            int settled = 0;
            for (ConnectionKey key : waiting) {
                Optional<Rotation> newest = newest(key);
                if (newest.isPresent()) {
                    settle(key, newest.get());
                    settled++;
                }
            }
            return settled;
        } finally {
            flushing.unlock();
        }
    }

    private void settle(ConnectionKey key, Rotation waiting) {
        boolean written = database.call("writing the pending rotation of " + key, () -> compareAndSet(key, waiting));
        if (written) {
            LOG.log(Level.INFO, "wrote the pending refresh-token rotation of {0} (fence {1})", key, waiting.fence());
        } else {
            LOG.log(Level.WARNING, "dropped the pending refresh-token rotation of {0} (fence {1}): a newer one was "
                    + "stored meanwhile, or the connection is gone", key, waiting.fence());
        }
        pending.computeIfPresent(key, (k, slot) -> slot.fence() <= waiting.fence() ? null : slot);
        durable.release(key, waiting.fence());
    }

    private boolean compareAndSet(ConnectionKey key, Rotation rotation) {
        return rows.rotate(key.tenant().value(), key.connection().value(), rotation.refreshToken().keyId(),
                rotation.refreshToken().bytes(), rotation.expiresAt().orElse(null), rotation.fence(),
                clock.instant()) == 1;
    }
}
