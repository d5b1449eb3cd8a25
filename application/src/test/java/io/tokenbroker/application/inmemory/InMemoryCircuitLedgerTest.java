package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.contract.CircuitLedgerContract;
import io.tokenbroker.application.port.out.CircuitLedger;

class InMemoryCircuitLedgerTest extends CircuitLedgerContract {

    @Override
    protected CircuitLedger newLedger() {
        return new InMemoryCircuitLedger();
    }
}
