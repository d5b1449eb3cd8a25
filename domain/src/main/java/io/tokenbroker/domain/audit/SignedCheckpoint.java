package io.tokenbroker.domain.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * A checkpoint with its Ed25519 signature (base64 over the body's UTF-8 bytes); unsigned without an audit key.
 * Whether the signature holds is {@link CheckpointSignatures#verifies}'s to say, not this record's: one read back
 * from storage may have been tampered with.
 */
public record SignedCheckpoint(Checkpoint checkpoint, Optional<String> signature) {

    public SignedCheckpoint {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(signature, "signature");
    }

    public boolean signed() {
        return signature.isPresent();
    }
}
