package io.tokenbroker.bootstrap.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.connection.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code vault read} (a connection with its secrets, {@code tokenbroker.vault.found}) and {@code vault write} (a
 * rotated refresh token, {@code tokenbroker.vault.written}: false when a newer fence had written), as the token flow
 * uses them. The rest passes through untraced: the flow does not save or list connections, and its fence look-up
 * happens only on a refused refresh, inside the spans around it.
 */
final class TracedConnections implements Connections {

    static final AttributeKey<Boolean> FOUND = AttributeKey.booleanKey("tokenbroker.vault.found");
    static final AttributeKey<Boolean> WRITTEN = AttributeKey.booleanKey("tokenbroker.vault.written");

    private final Connections connections;
    private final TracedPorts spans;
    private final String adapter;

    TracedConnections(Connections connections, TracedPorts spans, String adapter) {
        this.connections = connections;
        this.spans = spans;
        this.adapter = adapter;
    }

    @Override
    public Optional<Connection> find(ConnectionKey key) {
        Span span = spans.start("vault read", SpanKind.CLIENT, key, adapter);
        return TracedPorts.within(span, () -> {
            Optional<Connection> found = connections.find(key);
            span.setAttribute(FOUND, found.isPresent());
            return found;
        });
    }

    @Override
    public boolean save(Connection connection) {
        return connections.save(connection);
    }

    @Override
    public boolean remove(ConnectionKey key) {
        return connections.remove(key);
    }

    @Override
    public boolean saveRotation(ConnectionKey key, Secret refreshToken, Optional<Instant> refreshTokenExpiresAt,
                                long fence) {
        Span span = spans.start("vault write", SpanKind.CLIENT, key, adapter);
        return TracedPorts.within(span, () -> {
            boolean written = connections.saveRotation(key, refreshToken, refreshTokenExpiresAt, fence);
            span.setAttribute(WRITTEN, written);
            return written;
        });
    }

    @Override
    public long highestFence(ConnectionKey key) {
        return connections.highestFence(key);
    }

    @Override
    public Optional<Instant> refreshTokenExpiresAt(ConnectionKey key) {
        return connections.refreshTokenExpiresAt(key);
    }

    @Override
    public Optional<Instant> reconnectWarned(ConnectionKey key) {
        return connections.reconnectWarned(key);
    }

    @Override
    public boolean markReconnectWarned(ConnectionKey key, Optional<Instant> previous, Instant warned) {
        return connections.markReconnectWarned(key, previous, warned);
    }

    @Override
    public List<ConnectionKey> list(Optional<Set<TenantId>> tenants, Optional<ConnectionKey> after, int limit) {
        return connections.list(tenants, after, limit);
    }
}
