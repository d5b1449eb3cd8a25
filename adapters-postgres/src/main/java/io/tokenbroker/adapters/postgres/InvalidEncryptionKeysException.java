package io.tokenbroker.adapters.postgres;

/** The configured key ring is unusable; the broker refuses to start. The message names ids, never key material. */
public final class InvalidEncryptionKeysException extends IllegalStateException {

    public InvalidEncryptionKeysException(String message) {
        super(message);
    }
}
