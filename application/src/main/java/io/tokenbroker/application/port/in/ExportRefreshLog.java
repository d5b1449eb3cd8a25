package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.audit.ChainHead;
import io.tokenbroker.domain.audit.ChainLink;
import io.tokenbroker.domain.audit.SignedCheckpoint;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One connection's whole chain as stored, oldest first, with where the store says it starts and the newest
 * checkpoint: everything an auditor needs to verify it offline.
 */
public interface ExportRefreshLog {

    Export export(ConnectionKey key);

    record Export(ChainHead head, List<ChainLink> links, Optional<SignedCheckpoint> checkpoint) {

        public Export {
            Objects.requireNonNull(head, "head");
            links = List.copyOf(links);
            Objects.requireNonNull(checkpoint, "checkpoint");
        }
    }
}
