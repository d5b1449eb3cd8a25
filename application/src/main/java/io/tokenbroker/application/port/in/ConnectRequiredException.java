package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.Optional;

/**
 * An authorization-code connection no user has consented to yet: no token can be issued until a connect link
 * completes. Distinct from {@link ReauthorisationNeededException}, where a consent existed and was revoked.
 */
public final class ConnectRequiredException extends BrokerException {

    private final transient ConnectionKey key;

    public ConnectRequiredException(ConnectionKey key) {
        super(Kind.CONFLICT, "connect-required", "The connection needs a user's consent",
                "connection " + key + " awaits a completed connect link", Optional.empty(), null);
        this.key = key;
    }

    public ConnectionKey key() {
        return key;
    }

    @Override
    public String detail() {
        return "No user has consented to this connection yet. Create a connect link with POST /v1/tenants/"
                + key.tenant().value() + "/connections/" + key.connection().value()
                + "/connect and send the user to its connect_url.";
    }
}
