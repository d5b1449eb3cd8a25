package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.contract.ReauthorisationsContract;
import io.tokenbroker.application.port.out.Reauthorisations;
import javax.sql.DataSource;

/** The PostgreSQL marks keep the {@link Reauthorisations} contract against a real server. */
class JdbcReauthorisationsTest extends ReauthorisationsContract {

    @Override
    protected Reauthorisations newReauthorisations() {
        DataSource dataSource = EmbeddedDatabase.shared();
        EmbeddedDatabase.execute(dataSource, "TRUNCATE reauthorisations");
        return new JdbcReauthorisations(dataSource);
    }
}
