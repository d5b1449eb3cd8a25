package io.tokenbroker.application.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.port.out.SecretHasher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link SecretHasher} that stores API key secrets must do. */
public abstract class SecretHasherContract {

    private static final String SECRET = "tbk_live_0123456789abcdefghijklmnopqrstuv";

    private SecretHasher hasher;

    /** The hasher under test (a cheap work factor is fine); called once per test. */
    protected abstract SecretHasher hasher();

    @BeforeEach
    void create() {
        hasher = hasher();
    }

    @Test
    void aHashMatchesItsSecretAndNoOther() {
        String hash = hasher.hash(SECRET);

        assertTrue(hasher.matches(SECRET, hash));
        assertFalse(hasher.matches(SECRET + "x", hash));
        assertFalse(hasher.matches("", hash));
    }

    @Test
    void aHashIsSaltedAndShowsNoSecret() {
        String first = hasher.hash(SECRET);
        String second = hasher.hash(SECRET);

        assertNotEquals(first, second, "the same secret hashes differently each time");
        assertFalse(first.contains(SECRET));
        assertTrue(hasher.matches(SECRET, second));
    }

    @Test
    void aMalformedHashMatchesNothing() {
        assertFalse(hasher.matches(SECRET, "not-a-hash"));
        assertFalse(hasher.matches(SECRET, ""));
        assertFalse(hasher.matches(SECRET, SECRET));
    }

    @Test
    void aFingerprintIsStableHereDistinctPerSecretAndShowsNoSecret() {
        String fingerprint = hasher.fingerprint(SECRET);

        assertEquals(fingerprint, hasher.fingerprint(SECRET));
        assertNotEquals(fingerprint, hasher.fingerprint(SECRET + "x"));
        assertFalse(fingerprint.contains(SECRET));
    }
}
