package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.audit.SignedCheckpoint;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** How the audit trail is protected right now: signing key, newest checkpoint, and chains found tampered with. */
public interface ReadAuditStatus {

    AuditStatus status();

    /**
     * @param suspects chains the newest checkpoint taken by this instance could not extend (see {@link TakeCheckpoint})
     */
    record AuditStatus(Optional<String> keyId, Optional<SignedCheckpoint> latest, Duration checkpointInterval,
                       Duration retention, List<ConnectionKey> suspects) {

        public AuditStatus {
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(latest, "latest");
            Objects.requireNonNull(checkpointInterval, "checkpointInterval");
            Objects.requireNonNull(retention, "retention");
            suspects = List.copyOf(suspects);
        }
    }
}
