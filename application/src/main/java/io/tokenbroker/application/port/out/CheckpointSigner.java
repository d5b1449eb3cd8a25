package io.tokenbroker.application.port.out;

import java.util.Optional;

/**
 * Signs audit checkpoints with the broker's audit key (Ed25519). Without a configured key it is {@link #UNSIGNED}:
 * checkpoints are still taken, and say they are unsigned.
 */
public interface CheckpointSigner {

    /** The key id a checkpoint names, or empty when there is no key. */
    Optional<String> keyId();

    /** The public key as PEM, for {@code GET /v1/audit/public-key}; empty when there is no key. */
    Optional<String> publicKeyPem();

    /** The base64 signature over {@code body}'s UTF-8 bytes; empty when there is no key. */
    Optional<String> sign(String body);

    CheckpointSigner UNSIGNED = new CheckpointSigner() {
        @Override
        public Optional<String> keyId() {
            return Optional.empty();
        }

        @Override
        public Optional<String> publicKeyPem() {
            return Optional.empty();
        }

        @Override
        public Optional<String> sign(String body) {
            return Optional.empty();
        }
    };
}
