package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.egress.SavedBy;
import java.util.Objects;

/**
 * Registers a connection or replaces its settings and secrets; a replaced connection's cached token is dropped. An
 * authorization-code connection saved without a refresh token keeps the consented one (see
 * {@link Connection#keepingConsentOf}) and its re-authorisation mark, if any. The connection's outbound URLs are first checked against the egress policy for the kind of key that saves it
 * ({@link Connection#savedBy()}): a refused one fails with {@link UpstreamNotAllowedException} and nothing is stored.
 */
public interface SaveConnection {

    /** @return true if created, false if replaced */
    boolean save(Command command);

    /** @param connection as saved, {@link Connection#savedBy() by} the kind of key the caller holds */
    record Command(Connection connection) {
        public Command {
            Objects.requireNonNull(connection, "connection");
        }

        /** The connection, recorded as saved by this kind of key. */
        public static Command by(SavedBy savedBy, Connection connection) {
            return new Command(connection.savedBy(savedBy));
        }
    }
}
