package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.Objects;

/** Removes a connection and its cached token. */
public interface RemoveConnection {

    /** @throws ConnectionNotFoundException for an unknown connection */
    void remove(Command command);

    record Command(ConnectionKey key) {
        public Command {
            Objects.requireNonNull(key, "key");
        }
    }
}
