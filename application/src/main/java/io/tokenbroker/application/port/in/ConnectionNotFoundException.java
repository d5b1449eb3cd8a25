package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.ConnectionKey;

/** No connection is registered under the key. */
public final class ConnectionNotFoundException extends RuntimeException {

    private final transient ConnectionKey key;

    public ConnectionNotFoundException(ConnectionKey key) {
        super("no connection " + key);
        this.key = key;
    }

    public ConnectionKey key() {
        return key;
    }
}
