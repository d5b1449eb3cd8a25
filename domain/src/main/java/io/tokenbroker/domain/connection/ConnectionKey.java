package io.tokenbroker.domain.connection;

import java.util.Objects;

/** Identifies one connection: the unit of caching, locking and refreshing. */
public record ConnectionKey(TenantId tenant, ConnectionName connection) {

    public ConnectionKey {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(connection, "connection");
    }

    public static ConnectionKey of(String tenant, String connection) {
        return new ConnectionKey(TenantId.of(tenant), ConnectionName.of(connection));
    }

    @Override
    public String toString() {
        return tenant.value() + "/" + connection.value();
    }
}
