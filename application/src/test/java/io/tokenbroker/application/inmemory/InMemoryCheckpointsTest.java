package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.contract.CheckpointsContract;
import io.tokenbroker.application.port.out.Checkpoints;

class InMemoryCheckpointsTest extends CheckpointsContract {

    @Override
    protected Checkpoints newCheckpoints() {
        return new InMemoryCheckpoints();
    }
}
