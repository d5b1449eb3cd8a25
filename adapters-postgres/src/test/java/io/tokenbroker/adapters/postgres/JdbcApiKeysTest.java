package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.contract.ApiKeysContract;
import io.tokenbroker.application.port.out.ApiKeys;

/** The PostgreSQL key store keeps the {@link ApiKeys} contract against a real server. */
class JdbcApiKeysTest extends ApiKeysContract {

    @Override
    protected ApiKeys newApiKeys() {
        EmbeddedDatabase.execute(EmbeddedDatabase.shared(), "TRUNCATE api_keys");
        return new JdbcApiKeys(EmbeddedDatabase.bean(ApiKeyRepository.class));
    }
}
