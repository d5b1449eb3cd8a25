package io.tokenbroker.adapters.postgres;

import io.tokenbroker.adapters.postgres.AssociatedData.Field;
import io.tokenbroker.adapters.postgres.PendingRotations.Rotation;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.RotationSlots;
import io.tokenbroker.application.port.out.Sealed;
import io.tokenbroker.application.port.out.Seals;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.connection.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The credential vault on PostgreSQL. Client secrets and refresh tokens are sealed by {@link Seals} and bound
 * to their row and field; every other field is JSON in {@code settings}. Rows stay in this class: callers see
 * domain {@link Connection}s.
 *
 * <p>Rotation is a compare-and-set on the lease's fence, written behind by {@link PendingRotations}: when the
 * database cannot be reached at that moment the rotated token waits sealed in this process and in a durable place
 * (Redis, a local file), {@link #find} serves it as the connection's refresh token, and it is written on the next
 * call that reaches the database or by {@link #flushPending} on any instance.
 *
 * <p>During a database outage (every statement goes through the {@link DatabaseBreaker}, so it fails fast) the rows
 * this instance last read are served from {@link RememberedRows}, read through the pending rotations and the rotation
 * last published by any instance (so a token another instance rotated since is not presented again): refreshes go on
 * for every connection this instance has served. Saving, removing and listing need the database and fail.
 */
public final class JdbcConnections implements Connections {

    /** How many connection rows each instance remembers for an outage, unless told otherwise. */
    public static final int DEFAULT_REMEMBERED = 10_000;

    private final ConnectionRepository rows;
    private final Seals cipher;
    private final Clock clock;
    private final DatabaseBreaker database;
    private final PendingRotations pending;
    private final RememberedRows remembered;

    /** A vault with its own breaker, no durable place for pending rotations and the default memory. */
    public JdbcConnections(ConnectionRepository rows, Seals cipher, Clock clock) {
        this(rows, cipher, clock, DatabaseBreaker.withDefaults(clock), List.of(), DEFAULT_REMEMBERED);
    }

    /**
     * @param durablePlaces where pending rotations are held durably, tried in order (e.g. Redis, then a file)
     * @param remembered    connection rows kept for an outage
     */
    public JdbcConnections(ConnectionRepository rows, Seals cipher, Clock clock, DatabaseBreaker database,
                           List<RotationSlots> durablePlaces, int remembered) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.database = Objects.requireNonNull(database, "database");
        this.pending = new PendingRotations(rows, clock, cipher, database,
                new DurableRotations(durablePlaces, cipher));
        this.remembered = new RememberedRows(remembered);
    }

    @Override
    public Optional<Connection> find(ConnectionKey key) {
        pending.flushQuietly();
        Optional<Rotation> waiting = pending.newest(key);
        Optional<ConnectionRow> stored;
        try {
            stored = database.call("reading connection " + key,
                    () -> rows.findByTenantAndName(key.tenant().value(), key.connection().value()));
        } catch (StorageUnavailableException unavailable) {
            ConnectionRow row = remembered.find(key).orElseThrow(() -> unavailable);
            return Optional.of(connection(key, row, pending.withPublished(key, waiting)));
        }
        if (stored.isEmpty()) {
            pending.forgetHere(key);
            remembered.forget(key);
            return Optional.empty();
        }
        remembered.remember(key, stored.get());
        return Optional.of(connection(key, stored.get(), waiting));
    }

    @Override
    public boolean save(Connection connection) {
        ConnectionKey key = connection.key();
        Optional<Sealed> clientSecret = connection.clientSecret()
                .map(secret -> new AssociatedData(key, Field.CLIENT_SECRET).seal(cipher, secret));
        Optional<Sealed> refreshToken = connection.refreshToken()
                .map(token -> new AssociatedData(key, Field.REFRESH_TOKEN).seal(cipher, token));
        boolean created = database.call("saving connection " + key, () -> rows.upsert(key.tenant().value(),
                key.connection().value(), connection.provider().wireName(), ConnectionSettings.toJson(connection),
                clientSecret.map(Sealed::keyId).orElse(null), clientSecret.map(Sealed::bytes).orElse(null),
                refreshToken.map(Sealed::keyId).orElse(null), refreshToken.map(Sealed::bytes).orElse(null),
                ConnectionSettings.column(connection.savedBy()), clock.instant()));
        // What an operator saved replaces any rotation still waiting, and is read afresh.
        pending.forget(key);
        remembered.forget(key);
        return created;
    }

    @Override
    public boolean remove(ConnectionKey key) {
        boolean removed = database.call("removing connection " + key,
                () -> rows.remove(key.tenant().value(), key.connection().value()) == 1);
        pending.forget(key);
        remembered.forget(key);
        return removed;
    }

    /**
     * {@inheritDoc}
     *
     * <p>When the database cannot be reached, the token is kept sealed in this process's pending slot and in a
     * durable place, and true is returned: it is the connection's refresh token from now on, and is written as soon
     * as the database answers.
     */
    @Override
    public boolean saveRotation(ConnectionKey key, Secret refreshToken, Optional<Instant> refreshTokenExpiresAt,
                                long fence) {
        // Written before older slots are flushed: that flush may wait out a probe of a database that is down, and
        // the rotation the upstream just made must not wait behind it.
        boolean saved = pending.write(key, refreshToken, refreshTokenExpiresAt, fence);
        if (saved) {
            remembered.rotated(key, new AssociatedData(key, Field.REFRESH_TOKEN).seal(cipher, refreshToken),
                    refreshTokenExpiresAt, fence);
            pending.publish(key, refreshToken, refreshTokenExpiresAt, fence);
        }
        pending.flushQuietly();
        return saved;
    }

    /** How many rotated refresh tokens wait for the database in this process. */
    public int pendingRotations() {
        return pending.size();
    }

    /** Rotations since start that no durable place took: kept in this process's memory only. */
    public long rotationsAtRisk() {
        return pending.atRisk();
    }

    /** {@link PendingRotations#flush()}: writes the rotations waiting for the database, here and durably held. */
    public int flushPending() {
        return pending.flush();
    }

    /** {@inheritDoc} A rotation still pending counts; during an outage the remembered row's fence is the floor. */
    @Override
    public long highestFence(ConnectionKey key) {
        Optional<Rotation> waiting = pending.newest(key);
        long stored;
        try {
            stored = database.call("reading the fence of " + key,
                    () -> rows.findFence(key.tenant().value(), key.connection().value())).orElse(0L);
        } catch (StorageUnavailableException unavailable) {
            stored = remembered.find(key).orElseThrow(() -> unavailable).fence();
            waiting = pending.withPublished(key, waiting);
        }
        return Math.max(stored, waiting.map(Rotation::fence).orElse(0L));
    }

    @Override
    public Optional<Instant> refreshTokenExpiresAt(ConnectionKey key) {
        pending.flushQuietly();
        Optional<Rotation> waiting = pending.newest(key);
        Optional<ConnectionRow> stored;
        try {
            stored = database.call("reading the refresh-token expiry of " + key,
                    () -> rows.findByTenantAndName(key.tenant().value(), key.connection().value()));
        } catch (StorageUnavailableException unavailable) {
            stored = Optional.of(remembered.find(key).orElseThrow(() -> unavailable));
            waiting = pending.withPublished(key, waiting);
        }
        Optional<Rotation> newest = waiting;
        return stored.flatMap(row -> newest.filter(rotation -> rotation.fence() > row.fence())
                .map(Rotation::expiresAt)
                .orElse(Optional.ofNullable(row.refreshTokenExpiresAt())));
    }

    /** {@inheritDoc} Needs the database: during an outage it throws, and the warning waits for the next look. */
    @Override
    public Optional<Instant> reconnectWarned(ConnectionKey key) {
        return database.call("reading the reconnect warning of " + key,
                () -> rows.findReconnectWarned(key.tenant().value(), key.connection().value())).map(Instant::parse);
    }

    @Override
    public boolean markReconnectWarned(ConnectionKey key, Optional<Instant> previous, Instant warned) {
        return database.call("marking the reconnect warning of " + key,
                () -> rows.markReconnectWarned(key.tenant().value(), key.connection().value(),
                        previous.map(Instant::toString).orElse(null), warned.toString()) == 1);
    }

    @Override
    public List<ConnectionKey> list(Optional<Set<TenantId>> tenants, Optional<ConnectionKey> after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        String[] visible = tenants.orElse(Set.of()).stream().map(TenantId::value).toArray(String[]::new);
        List<ConnectionName> page = database.call("listing connections", () -> rows.list(tenants.isEmpty(), visible,
                after.isEmpty(), after.map(key -> key.tenant().value()).orElse(""),
                after.map(key -> key.connection().value()).orElse(""), limit));
        return page.stream().map(name -> ConnectionKey.of(name.tenant(), name.name())).toList();
    }

    /**
     * The row as a domain connection; a pending rotation newer than the row's is its refresh token.
     *
     * @param waiting {@link PendingRotations#newest}, read before the row (see there)
     */
    private Connection connection(ConnectionKey key, ConnectionRow row, Optional<Rotation> waiting) {
        Optional<Secret> clientSecret = open(key, Field.CLIENT_SECRET, row.clientSecretKeyId(), row.clientSecret());
        Optional<Secret> refreshToken = waiting.filter(rotation -> rotation.fence() > row.fence())
                .map(newer -> new AssociatedData(key, Field.REFRESH_TOKEN).open(cipher, newer.refreshToken()))
                .or(() -> open(key, Field.REFRESH_TOKEN, row.refreshTokenKeyId(), row.refreshToken()));
        return ConnectionSettings.toConnection(key, row.provider(), row.settings(), clientSecret, refreshToken,
                ConnectionSettings.savedBy(row.savedBy()));
    }

    private Optional<Secret> open(ConnectionKey key, Field field, String keyId, byte[] sealed) {
        return keyId == null ? Optional.empty()
                : Optional.of(new AssociatedData(key, field).open(cipher, new Sealed(keyId, sealed)));
    }
}
