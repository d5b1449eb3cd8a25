package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** Reads a connection's settings. Its secrets stay masked {@link io.tokenbroker.domain.connection.Secret}s. */
public interface FindConnection {

    /** @throws ConnectionNotFoundException for an unknown connection */
    Found find(Query query);

    /**
     * @param needsReauthorisationSince when the provider refused the connection's refresh token, if it did and
     *                                  the connection was not saved again since
     */
    record Found(Connection connection, Optional<Instant> needsReauthorisationSince) {
        public Found {
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(needsReauthorisationSince, "needsReauthorisationSince");
        }
    }

    record Query(ConnectionKey key) {
        public Query {
            Objects.requireNonNull(key, "key");
        }
    }
}
