package io.tokenbroker.application.port.out;

/**
 * Seals credentials before they leave the process (the vault's columns, the shared Redis cache) and opens them again.
 * A value is sealed under the active key of the key ring and records that key's id, so keys can rotate: a value
 * sealed under any key still in the ring opens. Each {@link Purpose} gets its own key, and the caller's
 * {@code context} (the row and field, or the Redis key) is bound to the value: a sealed value copied to another
 * place, or tampered with, does not open. Thread-safe.
 */
public interface Seals {

    /** What a sealed value is; each purpose is sealed under its own derived key. */
    enum Purpose { CLIENT_SECRET, REFRESH_TOKEN, ACCESS_TOKEN, IDEMPOTENT_ANSWER, PKCE_VERIFIER }

    /** Seals under the active key, bound to {@code context}. */
    Sealed seal(Purpose purpose, byte[] context, String plaintext);

    /**
     * Opens a value sealed for exactly this purpose and context.
     *
     * @throws UndecryptableSecretException when it was tampered with, sealed for another purpose or context, or
     *                                      under a key no longer in the ring; the message never quotes the value
     */
    String open(Purpose purpose, byte[] context, Sealed sealed);

    /** The id of the key new values are sealed under. */
    String activeKeyId();
}
