package io.tokenbroker.application.port.out;

/**
 * A stored secret did not decrypt: tampered or truncated ciphertext, a ciphertext moved to another place, or
 * a key id missing from the ring. The message says which case when known, never the ciphertext or a key.
 */
public final class UndecryptableSecretException extends RuntimeException {

    public UndecryptableSecretException(String message) {
        super(message);
    }

    public UndecryptableSecretException(String message, Throwable cause) {
        super(message, cause);
    }
}
