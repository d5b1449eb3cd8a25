package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.audit.Checkpoint;
import io.tokenbroker.domain.audit.SignedCheckpoint;
import java.time.Instant;
import java.util.Optional;

/** Where signed audit checkpoints are kept; the newest one is what verification compares a chain with. */
public interface Checkpoints {

    /** Keeps the checkpoint as it was signed: its {@link Checkpoint#body()} verbatim, and its signature. */
    void save(SignedCheckpoint checkpoint);

    /** The newest checkpoint (by creation time; on equal times the one saved last), or empty before the first. */
    Optional<SignedCheckpoint> latest();

    /** Removes checkpoints created before {@code cutoff}, except the newest one; how many went. */
    long removeBefore(Instant cutoff);
}
