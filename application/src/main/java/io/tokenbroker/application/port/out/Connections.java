package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.connection.TenantId;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Every tenant's connections, with their secrets. Safe for concurrent use. */
public interface Connections {

    Optional<Connection> find(ConnectionKey key);

    /**
     * Creates or replaces the connection.
     *
     * @return true if it was created, false if it replaced an existing one
     */
    boolean save(Connection connection);

    /** @return true if a connection was removed */
    boolean remove(ConnectionKey key);

    /**
     * Stores the refresh token an upstream rotated to, as a compare-and-set on the lease's fencing number: it is
     * written only if no writer with an equal or higher fence wrote before, so a holder of a superseded lease can
     * never overwrite a newer refresh token.
     *
     * <p>An implementation that cannot reach its storage may hold the token (encrypted) and write it once storage
     * returns; it then serves that token from {@link #find} meanwhile and returns true.
     *
     * @return true if written (or held for writing); false if refused as stale or if the connection no longer exists
     */
    boolean saveRotation(ConnectionKey key, Secret refreshToken, Optional<Instant> refreshTokenExpiresAt, long fence);

    /**
     * The highest fence a rotation of {@code key} was stored (or is held) with; 0 when none was or the connection
     * is unknown. A lock manager whose counter was lost (a restarted process, an emptied Redis) seeds from it so its
     * next fence is higher and the next rotation is not refused.
     */
    long highestFence(ConnectionKey key);

    /**
     * When the stored refresh token expires, as the provider said with its last rotation; empty when it did not say,
     * when the connection was saved since (a saved refresh token comes without an expiry), or for an unknown
     * connection. A rotation held while storage is down counts.
     */
    Optional<Instant> refreshTokenExpiresAt(ConnectionKey key);

    /**
     * The refresh-token expiry the last reconnect warning ({@code refresh_token_expiring}) was about; empty when none
     * was given since the connection was saved, or for an unknown connection. Kept with the connection, so every
     * instance, and this one after a restart, sees it.
     */
    Optional<Instant> reconnectWarned(ConnectionKey key);

    /**
     * Records that the reconnect warning about a refresh token expiring at {@code warned} was given, as a
     * compare-and-set on {@link #reconnectWarned}: written only while that still reads {@code previous}, so of several
     * instances deciding at once exactly one gets true and publishes. A rotation keeps the mark; a save drops it.
     *
     * @return true if written; false if the mark was no longer {@code previous} or the connection is unknown
     */
    boolean markReconnectWarned(ConnectionKey key, Optional<Instant> previous, Instant warned);

    /** The order {@link #list} walks in: by tenant, then by connection name, as plain (code point) strings. */
    Comparator<ConnectionKey> LISTING_ORDER = Comparator.<ConnectionKey, String>comparing(key -> key.tenant().value())
            .thenComparing(key -> key.connection().value());

    /**
     * One page of connection keys in {@link #LISTING_ORDER}, without reading or decrypting secrets: the keys strictly
     * after {@code after} (from the start when empty), at most {@code limit}. Connections saved or removed between
     * pages show up or drop out without shifting the others.
     *
     * @param tenants only these tenants' connections; empty for every tenant
     * @param limit   at least 1
     */
    List<ConnectionKey> list(Optional<Set<TenantId>> tenants, Optional<ConnectionKey> after, int limit);
}
