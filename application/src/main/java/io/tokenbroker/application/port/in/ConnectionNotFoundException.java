package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.Optional;

/** No connection is registered under the key. */
public final class ConnectionNotFoundException extends BrokerException {

    private final transient ConnectionKey key;

    public ConnectionNotFoundException(ConnectionKey key) {
        super(Kind.NOT_FOUND, "connection-not-found", "Connection not found", "no connection " + key,
                Optional.empty(), null);
        this.key = key;
    }

    public ConnectionKey key() {
        return key;
    }

    @Override
    public String detail() {
        // Not the key: a caller who may not see another tenant's connection must not learn that it exists.
        return "No connection is registered under this tenant and name.";
    }
}
