package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.contract.ReauthorisationsContract;
import io.tokenbroker.application.port.out.Reauthorisations;

class InMemoryReauthorisationsTest extends ReauthorisationsContract {

    @Override
    protected Reauthorisations newReauthorisations() {
        return new InMemoryReauthorisations();
    }
}
