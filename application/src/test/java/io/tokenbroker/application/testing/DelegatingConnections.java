package io.tokenbroker.application.testing;

import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.connection.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Passes every call on to another {@link Connections}: a test overrides only the call it wants to go wrong. */
public class DelegatingConnections implements Connections {

    private final Connections delegate;

    public DelegatingConnections(Connections delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<Connection> find(ConnectionKey key) {
        return delegate.find(key);
    }

    @Override
    public boolean save(Connection connection) {
        return delegate.save(connection);
    }

    @Override
    public boolean remove(ConnectionKey key) {
        return delegate.remove(key);
    }

    @Override
    public boolean saveRotation(ConnectionKey key, Secret refreshToken, Optional<Instant> refreshTokenExpiresAt,
                                long fence) {
        return delegate.saveRotation(key, refreshToken, refreshTokenExpiresAt, fence);
    }

    @Override
    public long highestFence(ConnectionKey key) {
        return delegate.highestFence(key);
    }

    @Override
    public Optional<Instant> refreshTokenExpiresAt(ConnectionKey key) {
        return delegate.refreshTokenExpiresAt(key);
    }

    @Override
    public Optional<Instant> reconnectWarned(ConnectionKey key) {
        return delegate.reconnectWarned(key);
    }

    @Override
    public boolean markReconnectWarned(ConnectionKey key, Optional<Instant> previous, Instant warned) {
        return delegate.markReconnectWarned(key, previous, warned);
    }

    @Override
    public List<ConnectionKey> list(Optional<Set<TenantId>> tenants, Optional<ConnectionKey> after, int limit) {
        return delegate.list(tenants, after, limit);
    }
}
