package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.Connection;
import java.util.Objects;

/** Registers a connection or replaces its settings and secrets; a replaced connection's cached token is dropped. */
public interface SaveConnection {

    /** @return true if created, false if replaced */
    boolean save(Command command);

    record Command(Connection connection) {
        public Command {
            Objects.requireNonNull(connection, "connection");
        }
    }
}
