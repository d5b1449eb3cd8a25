package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.contract.ConnectionsContract;
import io.tokenbroker.application.port.out.Connections;
import java.time.Clock;
import javax.sql.DataSource;

/** The PostgreSQL vault keeps the {@link Connections} contract against a real server. */
class JdbcConnectionsTest extends ConnectionsContract {

    private static final String RING = EmbeddedDatabase.randomRing("k1");

    @Override
    protected Connections newConnections() {
        DataSource dataSource = EmbeddedDatabase.shared();
        EmbeddedDatabase.truncate(dataSource);
        return new JdbcConnections(dataSource, EmbeddedDatabase.cipher(RING, "k1"), Clock.systemUTC());
    }
}
