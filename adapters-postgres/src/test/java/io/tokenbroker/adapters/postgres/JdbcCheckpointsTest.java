package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.contract.CheckpointsContract;
import io.tokenbroker.application.port.out.Checkpoints;

/** Checkpoints in PostgreSQL keep the {@link Checkpoints} contract: the signed text reads back byte for byte. */
class JdbcCheckpointsTest extends CheckpointsContract {

    @Override
    protected Checkpoints newCheckpoints() {
        EmbeddedDatabase.truncate(EmbeddedDatabase.shared());
        return new JdbcCheckpoints(EmbeddedDatabase.bean(CheckpointRepository.class));
    }
}
