package io.tokenbroker.application.port.out;

/**
 * Hashes API key secrets for storage (slow on purpose, e.g. bcrypt) and fingerprints them for an in-process
 * cache of verified keys (fast, keyed, so a heap dump does not yield something to brute-force offline).
 */
public interface SecretHasher {

    /** A salted, slow hash to store. */
    String hash(String secret);

    /** Whether {@code secret} matches a stored hash; constant time in the secret. False for a malformed hash. */
    boolean matches(String secret, String hash);

    /** A fast keyed hash, stable within this process only. */
    String fingerprint(String secret);
}
