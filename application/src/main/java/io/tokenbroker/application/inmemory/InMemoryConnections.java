package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.connection.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Connections of the embedded default; gone when the process ends. */
public final class InMemoryConnections implements Connections {

    private record Stored(Connection connection, Optional<Instant> refreshTokenExpiresAt, long fence,
                          Optional<Instant> reconnectWarned) {
    }

    private final ConcurrentMap<ConnectionKey, Stored> stored = new ConcurrentHashMap<>();

    @Override
    public Optional<Connection> find(ConnectionKey key) {
        return Optional.ofNullable(stored.get(key)).map(Stored::connection);
    }

    @Override
    public boolean save(Connection connection) {
        boolean[] created = {false};
        // A replaced connection keeps its fence: fencing numbers never go backwards.
        stored.compute(connection.key(), (key, previous) -> {
            created[0] = previous == null;
            long fence = previous == null ? 0 : previous.fence();
            return new Stored(connection, Optional.empty(), fence, Optional.empty());
        });
        return created[0];
    }

    @Override
    public boolean remove(ConnectionKey key) {
        return stored.remove(key) != null;
    }

    @Override
    public boolean saveRotation(ConnectionKey key, Secret refreshToken, Optional<Instant> refreshTokenExpiresAt,
                                long fence) {
        boolean[] written = {false};
        stored.computeIfPresent(key, (k, previous) -> {
            if (fence <= previous.fence()) {
                return previous;
            }
            written[0] = true;
            return new Stored(previous.connection().withRefreshToken(refreshToken), refreshTokenExpiresAt, fence,
                    previous.reconnectWarned());
        });
        return written[0];
    }

    @Override
    public long highestFence(ConnectionKey key) {
        Stored current = stored.get(key);
        return current == null ? 0 : current.fence();
    }

    @Override
    public Optional<Instant> refreshTokenExpiresAt(ConnectionKey key) {
        return Optional.ofNullable(stored.get(key)).flatMap(Stored::refreshTokenExpiresAt);
    }

    @Override
    public Optional<Instant> reconnectWarned(ConnectionKey key) {
        return Optional.ofNullable(stored.get(key)).flatMap(Stored::reconnectWarned);
    }

    @Override
    public boolean markReconnectWarned(ConnectionKey key, Optional<Instant> previous, Instant warned) {
        boolean[] written = {false};
        stored.computeIfPresent(key, (k, current) -> {
            if (!current.reconnectWarned().equals(previous)) {
                return current;
            }
            written[0] = true;
            return new Stored(current.connection(), current.refreshTokenExpiresAt(), current.fence(),
                    Optional.of(warned));
        });
        return written[0];
    }

    @Override
    public List<ConnectionKey> list(Optional<Set<TenantId>> tenants, Optional<ConnectionKey> after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        return stored.keySet().stream()
                .filter(key -> tenants.map(allowed -> allowed.contains(key.tenant())).orElse(true))
                .filter(key -> after.map(start -> LISTING_ORDER.compare(key, start) > 0).orElse(true))
                .sorted(LISTING_ORDER)
                .limit(limit)
                .toList();
    }
}
