package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.contract.ReauthorisationsContract;
import io.tokenbroker.application.port.out.Reauthorisations;

/** The PostgreSQL marks keep the {@link Reauthorisations} contract against a real server. */
class JdbcReauthorisationsTest extends ReauthorisationsContract {

    @Override
    protected Reauthorisations newReauthorisations() {
        EmbeddedDatabase.execute(EmbeddedDatabase.shared(), "TRUNCATE reauthorisations");
        return new JdbcReauthorisations(EmbeddedDatabase.bean(ReauthorisationRepository.class));
    }
}
