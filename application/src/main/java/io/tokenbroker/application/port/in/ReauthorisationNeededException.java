package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;

/**
 * The connection's grant was refused as invalid and no upstream call is made until the connection is saved again
 * with a new refresh token (or credentials).
 */
public final class ReauthorisationNeededException extends RuntimeException {

    private final transient ConnectionKey key;
    private final transient Instant since;

    public ReauthorisationNeededException(ConnectionKey key, Instant since) {
        super("connection " + key + " needs re-authorisation since " + since);
        this.key = key;
        this.since = since;
    }

    public ConnectionKey key() {
        return key;
    }

    public Instant since() {
        return since;
    }
}
