package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.contract.ConnectionsContract;
import io.tokenbroker.application.port.out.Connections;

class InMemoryConnectionsTest extends ConnectionsContract {

    @Override
    protected Connections newConnections() {
        return new InMemoryConnections();
    }
}
