package io.tokenbroker.adapters.postgres;

import io.tokenbroker.adapters.postgres.AssociatedData.Field;
import io.tokenbroker.adapters.postgres.SecretCipher.Sealed;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.connection.TenantId;
import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The credential vault on PostgreSQL. Client secrets and refresh tokens are sealed by {@link SecretCipher} and bound
 * to their row and field; every other field is JSON in {@code settings}.
 *
 * <p>Rotation is a compare-and-set on the lease's fence ({@code UPDATE ... WHERE fence < :fence}): a refused writer
 * is logged. When the database cannot be reached at that moment, the rotated refresh token is not lost: it stays
 * sealed in a pending slot in this process, {@link #find} serves it as the connection's refresh token, and it is
 * written (with the same fence check) on the next call that reaches the database or by {@link #flushPending}. A
 * pending slot lives in this process only; Redis-backed slots that survive a crash are a follow-up.
 */
public final class JdbcConnections implements Connections {

    private static final System.Logger LOG = System.getLogger(JdbcConnections.class.getName());

    private static final String SELECT = """
            SELECT provider, settings::text, client_secret_key_id, client_secret, refresh_token_key_id, refresh_token,
                   fence
              FROM connections WHERE tenant = ? AND name = ?""";
    private static final String UPSERT = """
            INSERT INTO connections (tenant, name, provider, settings, client_secret_key_id, client_secret,
                                     refresh_token_key_id, refresh_token, refresh_token_expires_at, fence, version,
                                     created_at, updated_at)
            VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, ?, NULL, 0, 1, ?, ?)
            ON CONFLICT (tenant, name) DO UPDATE SET
                provider = EXCLUDED.provider, settings = EXCLUDED.settings,
                client_secret_key_id = EXCLUDED.client_secret_key_id, client_secret = EXCLUDED.client_secret,
                refresh_token_key_id = EXCLUDED.refresh_token_key_id, refresh_token = EXCLUDED.refresh_token,
                refresh_token_expires_at = NULL, version = connections.version + 1, updated_at = EXCLUDED.updated_at
            RETURNING (xmax = 0) AS created""";
    private static final String ROTATE = """
            UPDATE connections
               SET refresh_token_key_id = ?, refresh_token = ?, refresh_token_expires_at = ?, fence = ?,
                   version = version + 1, updated_at = ?
             WHERE tenant = ? AND name = ? AND fence < ?""";

    /** A rotated refresh token the database has not taken yet, still sealed. */
    private record Pending(Sealed refreshToken, Optional<Instant> expiresAt, long fence) {
    }

    private final DataSource dataSource;
    private final SecretCipher cipher;
    private final Clock clock;
    private final ConcurrentMap<ConnectionKey, Pending> pending = new ConcurrentHashMap<>();
    private final ReentrantLock flushing = new ReentrantLock();

    public JdbcConnections(DataSource dataSource, SecretCipher cipher, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<Connection> find(ConnectionKey key) {
        flushPendingQuietly();
        try (var db = dataSource.getConnection(); PreparedStatement select = db.prepareStatement(SELECT)) {
            select.setString(1, key.tenant().value());
            select.setString(2, key.connection().value());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    pending.remove(key);
                    return Optional.empty();
                }
                Optional<Secret> clientSecret = row.getString(3) == null ? Optional.empty()
                        : Optional.of(cipher.open(new Sealed(row.getString(3), row.getBytes(4)),
                                new AssociatedData(key, Field.CLIENT_SECRET)));
                Optional<Secret> refreshToken = row.getString(5) == null ? Optional.empty()
                        : Optional.of(cipher.open(new Sealed(row.getString(5), row.getBytes(6)),
                                new AssociatedData(key, Field.REFRESH_TOKEN)));
                long storedFence = row.getLong(7);
                Pending notYetWritten = pending.get(key);
                if (notYetWritten != null && notYetWritten.fence() > storedFence) {
                    // The database is reachable but this slot was not written yet (flush raced us): it is newer.
                    refreshToken = Optional.of(cipher.open(notYetWritten.refreshToken(),
                            new AssociatedData(key, Field.REFRESH_TOKEN)));
                }
                return Optional.of(ConnectionSettings.toConnection(key, row.getString(1), row.getString(2),
                        clientSecret, refreshToken));
            }
        } catch (SQLException failure) {
            throw unavailable("reading connection " + key, failure);
        }
    }

    @Override
    public boolean save(Connection connection) {
        ConnectionKey key = connection.key();
        Optional<Sealed> clientSecret = connection.clientSecret()
                .map(secret -> cipher.seal(secret, new AssociatedData(key, Field.CLIENT_SECRET)));
        Optional<Sealed> refreshToken = connection.refreshToken()
                .map(token -> cipher.seal(token, new AssociatedData(key, Field.REFRESH_TOKEN)));
        OffsetDateTime now = timestamp(clock.instant());
        try (var db = dataSource.getConnection(); PreparedStatement upsert = db.prepareStatement(UPSERT)) {
            upsert.setString(1, key.tenant().value());
            upsert.setString(2, key.connection().value());
            upsert.setString(3, connection.provider().wireName());
            upsert.setString(4, ConnectionSettings.toJson(connection));
            upsert.setString(5, clientSecret.map(Sealed::keyId).orElse(null));
            upsert.setBytes(6, clientSecret.map(Sealed::bytes).orElse(null));
            upsert.setString(7, refreshToken.map(Sealed::keyId).orElse(null));
            upsert.setBytes(8, refreshToken.map(Sealed::bytes).orElse(null));
            upsert.setObject(9, now);
            upsert.setObject(10, now);
            try (ResultSet result = upsert.executeQuery()) {
                result.next();
                // What an operator saved replaces any rotation still waiting in memory.
                pending.remove(key);
                return result.getBoolean(1);
            }
        } catch (SQLException failure) {
            throw unavailable("saving connection " + key, failure);
        }
    }

    @Override
    public boolean remove(ConnectionKey key) {
        try (var db = dataSource.getConnection();
             PreparedStatement delete = db.prepareStatement("DELETE FROM connections WHERE tenant = ? AND name = ?")) {
            delete.setString(1, key.tenant().value());
            delete.setString(2, key.connection().value());
            boolean removed = delete.executeUpdate() == 1;
            pending.remove(key);
            return removed;
        } catch (SQLException failure) {
            throw unavailable("removing connection " + key, failure);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>When the database cannot be reached, the token is kept sealed in this process's pending slot and true is
     * returned: it is the connection's refresh token from now on, and is written as soon as the database answers.
     */
    @Override
    public boolean saveRotation(ConnectionKey key, Secret refreshToken, Optional<Instant> refreshTokenExpiresAt,
                                long fence) {
        flushPendingQuietly();
        Pending rotation = new Pending(cipher.seal(refreshToken, new AssociatedData(key, Field.REFRESH_TOKEN)),
                refreshTokenExpiresAt, fence);
        try {
            boolean written = write(key, rotation);
            if (written) {
                pending.computeIfPresent(key, (k, waiting) -> waiting.fence() <= fence ? null : waiting);
            } else {
                LOG.log(Level.WARNING, "refused the refresh-token rotation of {0} with fence {1}: a writer with an "
                        + "equal or higher fence already stored one, or the connection is gone", key, fence);
            }
            return written;
        } catch (SQLException failure) {
            pending.merge(key, rotation, (waiting, newer) -> newer.fence() > waiting.fence() ? newer : waiting);
            LOG.log(Level.ERROR, "the database is unavailable: the rotated refresh token of {0} (fence {1}) is kept "
                    + "encrypted in memory and written when it returns ({2})", key, fence, failure.getSQLState());
            return true;
        }
    }

    /** How many rotated refresh tokens wait for the database in this process. */
    public int pendingRotations() {
        return pending.size();
    }

    /**
     * Writes the pending rotations the database accepts; called on every read and rotation, and on a schedule.
     *
     * @return how many slots were settled (written, or refused because a newer token was stored meanwhile)
     * @throws StorageUnavailableException when the database still cannot be reached; the slots stay
     */
    public int flushPending() {
        if (pending.isEmpty() || !flushing.tryLock()) {
            return 0;
        }
        try {
            int settled = 0;
            for (Map.Entry<ConnectionKey, Pending> slot : pending.entrySet()) {
                ConnectionKey key = slot.getKey();
                Pending waiting = slot.getValue();
                boolean written;
                try {
                    written = write(key, waiting);
                } catch (SQLException failure) {
                    throw unavailable("writing the pending rotation of " + key, failure);
                }
                if (written) {
                    LOG.log(Level.INFO, "wrote the pending refresh-token rotation of {0} (fence {1})", key,
                            waiting.fence());
                } else {
                    LOG.log(Level.WARNING, "dropped the pending refresh-token rotation of {0} (fence {1}): a newer "
                            + "one was stored meanwhile, or the connection is gone", key, waiting.fence());
                }
                pending.remove(key, waiting);
                settled++;
            }
            return settled;
        } finally {
            flushing.unlock();
        }
    }

    private void flushPendingQuietly() {
        try {
            flushPending();
        } catch (StorageUnavailableException stillDown) {
            // The caller's own statement reports the outage; the slots stay for the next try.
        }
    }

    private boolean write(ConnectionKey key, Pending rotation) throws SQLException {
        try (var db = dataSource.getConnection(); PreparedStatement rotate = db.prepareStatement(ROTATE)) {
            rotate.setString(1, rotation.refreshToken().keyId());
            rotate.setBytes(2, rotation.refreshToken().bytes());
            if (rotation.expiresAt().isPresent()) {
                rotate.setObject(3, timestamp(rotation.expiresAt().get()));
            } else {
                rotate.setNull(3, Types.TIMESTAMP_WITH_TIMEZONE);
            }
            rotate.setLong(4, rotation.fence());
            rotate.setObject(5, timestamp(clock.instant()));
            rotate.setString(6, key.tenant().value());
            rotate.setString(7, key.connection().value());
            rotate.setLong(8, rotation.fence());
            return rotate.executeUpdate() == 1;
        }
    }

    /** {@inheritDoc} A rotation still held in this process's pending slot counts. */
    @Override
    public long highestFence(ConnectionKey key) {
        try (var db = dataSource.getConnection();
             PreparedStatement select = db.prepareStatement(
                     "SELECT fence FROM connections WHERE tenant = ? AND name = ?")) {
            select.setString(1, key.tenant().value());
            select.setString(2, key.connection().value());
            try (ResultSet row = select.executeQuery()) {
                long stored = row.next() ? row.getLong(1) : 0;
                Pending waiting = pending.get(key);
                return waiting == null ? stored : Math.max(stored, waiting.fence());
            }
        } catch (SQLException failure) {
            throw unavailable("reading the fence of " + key, failure);
        }
    }

    /** Result of {@link #reEncrypt()}. */
    public record ReEncryption(int rowsMoved, int rowsFailed) {
    }

    /**
     * Moves every secret sealed under a key other than the active one to the active key, a row at a time under a
     * row lock, so it runs online: readers keep working (old-key rows open until moved) and a rotation racing the
     * move waits for the row and then applies on top. Rows that do not decrypt are counted and logged, not touched.
     */
    public ReEncryption reEncrypt() {
        String active = cipher.activeKeyId();
        int moved = 0;
        int failed = 0;
        long lastId = 0;
        while (true) {
            Optional<Long> id = nextRowToMove(active, lastId);
            if (id.isEmpty()) {
                return new ReEncryption(moved, failed);
            }
            lastId = id.get();
            try {
                if (moveRow(lastId, active)) {
                    moved++;
                }
            } catch (UndecryptableSecretException undecryptable) {
                failed++;
                LOG.log(Level.ERROR, "re-encryption skipped row {0}: {1}", lastId, undecryptable.getMessage());
            }
        }
    }

    private Optional<Long> nextRowToMove(String active, long afterId) {
        try (var db = dataSource.getConnection();
             PreparedStatement next = db.prepareStatement("""
                     SELECT id FROM connections
                      WHERE id > ? AND (client_secret_key_id <> ? OR refresh_token_key_id <> ?)
                                -- NULL <> x is NULL, so rows without a secret are skipped for that column
                      ORDER BY id LIMIT 1""")) {
            next.setLong(1, afterId);
            next.setString(2, active);
            next.setString(3, active);
            try (ResultSet row = next.executeQuery()) {
                return row.next() ? Optional.of(row.getLong(1)) : Optional.empty();
            }
        } catch (SQLException failure) {
            throw unavailable("looking for rows to re-encrypt", failure);
        }
    }

    private boolean moveRow(long id, String active) {
        try (var db = dataSource.getConnection()) {
            db.setAutoCommit(false);
            try {
                boolean moved = moveLockedRow(db, id, active);
                db.commit();
                return moved;
            } catch (SQLException | RuntimeException failure) {
                db.rollback();
                throw failure;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException failure) {
            throw unavailable("re-encrypting row " + id, failure);
        }
    }

    private boolean moveLockedRow(java.sql.Connection db, long id, String active) throws SQLException {
        try (PreparedStatement lock = db.prepareStatement("""
                SELECT tenant, name, client_secret_key_id, client_secret, refresh_token_key_id, refresh_token
                  FROM connections WHERE id = ? FOR UPDATE""")) {
            lock.setLong(1, id);
            try (ResultSet row = lock.executeQuery()) {
                if (!row.next()) {
                    return false;
                }
                ConnectionKey key = ConnectionKey.of(row.getString(1), row.getString(2));
                Sealed clientSecret = row.getString(3) == null ? null
                        : reseal(key, Field.CLIENT_SECRET, new Sealed(row.getString(3), row.getBytes(4)), active);
                Sealed refreshToken = row.getString(5) == null ? null
                        : reseal(key, Field.REFRESH_TOKEN, new Sealed(row.getString(5), row.getBytes(6)), active);
                try (PreparedStatement update = db.prepareStatement("""
                        UPDATE connections SET client_secret_key_id = ?, client_secret = ?, refresh_token_key_id = ?,
                                               refresh_token = ?, updated_at = ?
                         WHERE id = ?""")) {
                    update.setString(1, clientSecret == null ? null : clientSecret.keyId());
                    update.setBytes(2, clientSecret == null ? null : clientSecret.bytes());
                    update.setString(3, refreshToken == null ? null : refreshToken.keyId());
                    update.setBytes(4, refreshToken == null ? null : refreshToken.bytes());
                    update.setObject(5, timestamp(clock.instant()));
                    update.setLong(6, id);
                    return update.executeUpdate() == 1;
                }
            }
        }
    }

    private Sealed reseal(ConnectionKey key, Field field, Sealed sealed, String active) {
        if (sealed.keyId().equals(active)) {
            return sealed;
        }
        AssociatedData binding = new AssociatedData(key, field);
        return cipher.seal(cipher.open(sealed, binding), binding);
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static StorageUnavailableException unavailable(String doing, SQLException failure) {
        // SQLState and the driver's message name the server and the statement, never bound values.
        return new StorageUnavailableException(doing + " failed (SQLState " + failure.getSQLState() + ")", failure);
    }

    @Override
    public Optional<Instant> refreshTokenExpiresAt(ConnectionKey key) {
        flushPendingQuietly();
        try (var db = dataSource.getConnection(); PreparedStatement select = db.prepareStatement(
                "SELECT refresh_token_expires_at, fence FROM connections WHERE tenant = ? AND name = ?")) {
            select.setString(1, key.tenant().value());
            select.setString(2, key.connection().value());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                Pending notYetWritten = pending.get(key);
                if (notYetWritten != null && notYetWritten.fence() > row.getLong(2)) {
                    return notYetWritten.expiresAt();
                }
                return Optional.ofNullable(row.getObject(1, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
            }
        } catch (SQLException failure) {
            throw unavailable("reading the refresh-token expiry of " + key, failure);
        }
    }

    // COLLATE "C": the page boundary must compare exactly as Connections.LISTING_ORDER (code points) does, whatever
    // the database's default collation.
    private static final String LIST = """
            SELECT tenant, name FROM connections
             WHERE (?::boolean OR tenant = ANY (?))
               AND (?::boolean OR (tenant COLLATE "C", name COLLATE "C") > (? COLLATE "C", ? COLLATE "C"))
             ORDER BY tenant COLLATE "C", name COLLATE "C"
             LIMIT ?""";

    @Override
    public List<ConnectionKey> list(Optional<Set<TenantId>> tenants, Optional<ConnectionKey> after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        try (var db = dataSource.getConnection(); PreparedStatement select = db.prepareStatement(LIST)) {
            select.setBoolean(1, tenants.isEmpty());
            select.setArray(2, db.createArrayOf("text",
                    tenants.orElse(Set.of()).stream().map(TenantId::value).toArray()));
            select.setBoolean(3, after.isEmpty());
            select.setString(4, after.map(key -> key.tenant().value()).orElse(""));
            select.setString(5, after.map(key -> key.connection().value()).orElse(""));
            select.setInt(6, limit);
            List<ConnectionKey> keys = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    keys.add(ConnectionKey.of(rows.getString(1), rows.getString(2)));
                }
            }
            return keys;
        } catch (SQLException failure) {
            throw unavailable("listing connections", failure);
        }
    }
}
