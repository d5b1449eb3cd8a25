package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.contract.ApiKeysContract;
import io.tokenbroker.application.port.out.ApiKeys;

class InMemoryApiKeysTest extends ApiKeysContract {

    @Override
    protected ApiKeys newApiKeys() {
        return new InMemoryApiKeys();
    }
}
