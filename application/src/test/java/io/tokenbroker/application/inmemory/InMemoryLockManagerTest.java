package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.contract.LockManagerContract;
import io.tokenbroker.application.port.out.LockManager;

class InMemoryLockManagerTest extends LockManagerContract {

    @Override
    protected LockManager newLockManager() {
        return new InMemoryLockManager();
    }
}
