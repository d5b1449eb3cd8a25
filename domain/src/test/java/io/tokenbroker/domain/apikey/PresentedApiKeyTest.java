package io.tokenbroker.domain.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written format checks agree with the documented regular expressions, character for character. */
class PresentedApiKeyTest {

    private static final Pattern KEY = Pattern.compile("tbk_([a-z0-9]{16})_([A-Za-z0-9_-]{43})");
    private static final Pattern ID = Pattern.compile("[a-z0-9]{16}");
    private static final String ID_TEXT = "abcdefghij012345";
    private static final String SECRET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijk012-_9";

    @Test
    void aWellFormedKeyIsSplitIntoIdAndSecret() {
        PresentedApiKey key = PresentedApiKey.parse("tbk_" + ID_TEXT + "_" + SECRET).orElseThrow();
        assertEquals(new ApiKeyId(ID_TEXT), key.id());
        assertEquals(SECRET, key.secret());
        assertEquals("tbk_" + ID_TEXT + "_" + SECRET, key.reveal());
    }

    @Test
    void malformedKeysAreRefused() {
        assertTrue(PresentedApiKey.parse(null).isEmpty());
        assertTrue(PresentedApiKey.parse("").isEmpty());
        assertTrue(PresentedApiKey.parse("tbk_" + ID_TEXT + "_" + SECRET + "x").isEmpty());
        assertTrue(PresentedApiKey.parse("tbx_" + ID_TEXT + "_" + SECRET).isEmpty());
        assertTrue(PresentedApiKey.parse("tbk_" + ID_TEXT + "-" + SECRET).isEmpty());
        assertTrue(PresentedApiKey.parse("tbk_" + ID_TEXT.toUpperCase() + "_" + SECRET).isEmpty());
        assertTrue(PresentedApiKey.parse("tbk_" + ID_TEXT + "_" + SECRET.replace('A', '+')).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new ApiKeyId("abc"));
        assertFalse(ApiKeyId.isValid(null));
    }

    @Test
    void agreesWithTheRegularExpressionsOnRandomNearKeys() {
        Random random = new Random(17);
        String alphabet = "abcxyz019AZ_-+/=.~ é";
        for (int i = 0; i < 20_000; i++) {
            char[] text = ("tbk_" + ID_TEXT + "_" + SECRET).toCharArray();
            for (int flips = random.nextInt(3); flips >= 0; flips--) {
                text[random.nextInt(text.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            String candidate = new String(text);
            assertEquals(KEY.matcher(candidate).matches(), PresentedApiKey.parse(candidate).isPresent(), candidate);
            String id = candidate.substring(4, 20);
            assertEquals(ID.matcher(id).matches(), ApiKeyId.isValid(id), id);
        }
    }
}
