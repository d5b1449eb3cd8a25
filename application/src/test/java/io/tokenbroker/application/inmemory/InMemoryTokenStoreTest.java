package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.contract.TokenStoreContract;
import io.tokenbroker.application.port.out.TokenStore;
import java.time.Clock;

class InMemoryTokenStoreTest extends TokenStoreContract {

    @Override
    protected TokenStore newStore(Clock clock) {
        return new InMemoryTokenStore(clock);
    }
}
