package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.Objects;

/** The status of one connection: read-only, never calls the upstream. */
public interface ReadConnectionStatus {

    /** @throws ConnectionNotFoundException for an unknown connection */
    ConnectionStatus status(Query query);

    record Query(ConnectionKey key) {
        public Query {
            Objects.requireNonNull(key, "key");
        }
    }
}
