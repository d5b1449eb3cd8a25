package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.contract.ApiKeysContract;
import io.tokenbroker.application.port.out.ApiKeys;
import javax.sql.DataSource;

/** The PostgreSQL key store keeps the {@link ApiKeys} contract against a real server. */
class JdbcApiKeysTest extends ApiKeysContract {

    @Override
    protected ApiKeys newApiKeys() {
        DataSource dataSource = EmbeddedDatabase.shared();
        EmbeddedDatabase.execute(dataSource, "TRUNCATE api_keys");
        return new JdbcApiKeys(dataSource);
    }
}
