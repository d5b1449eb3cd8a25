package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.audit.ChainVerification;
import io.tokenbroker.domain.audit.Checkpoint;
import io.tokenbroker.domain.audit.SignedCheckpoint;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies one connection's refresh log end to end: every link of its chain, against the newest signed checkpoint.
 * Works for a removed connection too (its history outlives it); a connection never logged verifies with no rows.
 */
public interface VerifyRefreshLog {

    Verification verify(ConnectionKey key);

    /** How far a checkpoint can be trusted. */
    enum Trust {
        /** Signed by the broker's audit key, and the signature holds. */
        SIGNED,
        /** The broker has no audit key: the checkpoint is as trustworthy as the database it sits in. */
        UNSIGNED,
        /** Not signed by the broker's key although it has one, or the signature does not hold: forged or altered. */
        INVALID
    }

    /**
     * @param checkpoint the newest checkpoint, if any; {@code entry} is this connection's line in it, if it has one
     */
    record Verification(ChainVerification.Verdict verdict, Optional<SignedCheckpoint> checkpoint,
                        Optional<Checkpoint.Entry> entry, Optional<Trust> trust) {

        public Verification {
            Objects.requireNonNull(verdict, "verdict");
            Objects.requireNonNull(checkpoint, "checkpoint");
            Objects.requireNonNull(entry, "entry");
            Objects.requireNonNull(trust, "trust");
        }

        public boolean verified() {
            return verdict.verified();
        }
    }
}
