package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;
import java.util.Optional;

/**
 * The connection's grant was refused as invalid and no upstream call is made until the connection is saved again
 * with a new refresh token (or credentials).
 */
public final class ReauthorisationNeededException extends BrokerException {

    private final transient ConnectionKey key;
    private final transient Instant since;

    public ReauthorisationNeededException(ConnectionKey key, Instant since) {
        super(Kind.CONFLICT, "reauthorization-required", "The connection needs re-authorization",
                "connection " + key + " needs re-authorisation since " + since, Optional.empty(), null);
        this.key = key;
        this.since = since;
    }

    public ConnectionKey key() {
        return key;
    }

    public Instant since() {
        return since;
    }

    @Override
    public String detail() {
        return "The provider refused the stored refresh token (invalid_grant) at " + since
                + ". Save the connection again with a new refresh token from the tenant's consent.";
    }
}
