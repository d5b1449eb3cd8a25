package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.Objects;

/** Reads a connection's settings. Its secrets stay masked {@link io.tokenbroker.domain.connection.Secret}s. */
public interface FindConnection {

    /** @throws ConnectionNotFoundException for an unknown connection */
    Connection find(Query query);

    record Query(ConnectionKey key) {
        public Query {
            Objects.requireNonNull(key, "key");
        }
    }
}
