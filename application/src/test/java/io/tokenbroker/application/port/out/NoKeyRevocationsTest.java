package io.tokenbroker.application.port.out;

import io.tokenbroker.application.contract.KeyRevocationsContract;
import io.tokenbroker.domain.apikey.ApiKeyId;
import java.util.List;

/** The key-revocations contract for a single instance: nobody else to tell. */
class NoKeyRevocationsTest extends KeyRevocationsContract {

    @Override
    protected KeyRevocations revocations() {
        return KeyRevocations.NONE;
    }

    @Override
    protected boolean tellsOtherInstances() {
        return false;
    }

    @Override
    protected List<ApiKeyId> heardElsewhere(int count) {
        return List.of();
    }
}
