package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.contract.ConnectionsContract;
import io.tokenbroker.application.port.out.Connections;

/** The PostgreSQL vault keeps the {@link Connections} contract against a real server. */
class JdbcConnectionsTest extends ConnectionsContract {

    private static final String RING = EmbeddedDatabase.randomRing("k1");

    @Override
    protected Connections newConnections() {
        EmbeddedDatabase.truncate(EmbeddedDatabase.shared());
        return EmbeddedDatabase.vault(RING, "k1");
    }
}
