package io.tokenbroker.domain.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretTest {

    @ParameterizedTest
    @ValueSource(strings = {"s3cr3t-client-secret", "rt_9f8e7d6c5b4a", "x", "Secret", "***", "pa ss wörd"})
    void toStringNeverContainsTheValue(String value) {
        Secret secret = Secret.of(value);
        assertEquals("Secret[***]", secret.toString());
        if (!"Secret[***]".contains(value)) {
            assertFalse(secret.toString().contains(value));
        }
    }

    @Test
    void toStringOfDistinctSecretsIsTheSame() {
        assertEquals(Secret.of("one").toString(), Secret.of("two").toString());
    }

    @Test
    void stringConcatenationDoesNotLeak() {
        String line = "refresh failed for " + Secret.of("rt_LEAKME");
        assertFalse(line.contains("rt_LEAKME"));
    }

    @Test
    void revealReturnsThePlainValue() {
        assertEquals("s3cr3t", Secret.of("s3cr3t").reveal());
    }

    @Test
    void equalValuesAreEqualSecrets() {
        assertEquals(Secret.of("abc"), Secret.of("abc"));
        assertEquals(Secret.of("abc").hashCode(), Secret.of("abc").hashCode());
    }

    @Test
    void differentValuesAreDifferentSecrets() {
        assertNotEquals(Secret.of("abc"), Secret.of("abd"));
        assertNotEquals(Secret.of("abc"), Secret.of("abcd"));
        assertNotEquals(Secret.of("abc"), "abc");
        assertNotEquals(Secret.of("abc"), null);
    }

    @Test
    void rejectsNull() {
        assertThrows(NullPointerException.class, () -> Secret.of(null));
    }

    @Test
    void rejectsEmpty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Secret.of(""));
        assertEquals("a secret must not be empty", e.getMessage());
    }
}
