package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;
import java.util.Optional;

/**
 * Connections whose upstream said their grant is gone ({@code invalid_grant}): a tenant must authorise again, and
 * until then calling the upstream only burns its rate limit and fills the audit log. Safe for concurrent use.
 */
public interface Reauthorisations {

    /** What was recorded when the grant was refused. */
    record Needed(ConnectionKey key, Instant since, String errorCode) {
    }

    void mark(Needed needed);

    /** Clears the mark, e.g. once the connection was saved with new credentials; a no-op when unmarked. */
    void clear(ConnectionKey key);

    Optional<Needed> find(ConnectionKey key);
}
