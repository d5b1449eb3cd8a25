package io.tokenbroker.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenTest {

    private static final Instant EXPIRY = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void toStringShowsTypeAndExpiryButNotTheValue() {
        Token token = new Token("secret-access-token-value", "Bearer", EXPIRY);

        assertFalse(token.toString().contains("secret-access-token-value"), token.toString());
        assertTrue(token.toString().contains("Bearer"));
        assertTrue(token.toString().contains(EXPIRY.toString()));
    }

    @Test
    void isValidForWhatIsLeftBeforeItsExpiry() {
        Token token = new Token("t", "Bearer", EXPIRY);

        assertTrue(token.validFor(Duration.ofSeconds(60), EXPIRY.minusSeconds(60)));
        assertFalse(token.validFor(Duration.ofSeconds(60), EXPIRY.minusSeconds(59)));
    }

    @Test
    void carriesItselfAsABearerHeader() {
        assertEquals("Bearer abc", new Token("abc", "bearer", EXPIRY).authorization());
    }

    @Test
    void aBlankValueIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Token(" ", "Bearer", EXPIRY));
    }
}
