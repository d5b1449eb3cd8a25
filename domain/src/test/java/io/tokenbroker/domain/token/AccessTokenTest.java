package io.tokenbroker.domain.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class AccessTokenTest {

    private static final Instant ISSUED = Instant.parse("2024-05-01T12:00:00Z");
    private static final Instant EXPIRES = ISSUED.plusSeconds(3600);

    private static AccessToken token(String value) {
        return new AccessToken(value, "Bearer", ISSUED, EXPIRES);
    }

    @Nested
    class Construction {

        @Test
        void keepsItsFields() {
            AccessToken t = new AccessToken("tok-123", "MAC", ISSUED, EXPIRES);
            assertEquals("tok-123", t.value());
            assertEquals("MAC", t.tokenType());
            assertEquals(ISSUED, t.issuedAt());
            assertEquals(EXPIRES, t.expiresAt());
        }

        @ParameterizedTest(name = "token type \"{0}\" becomes Bearer")
        @NullAndEmptySource
        @ValueSource(strings = {" ", "\t"})
        void missingTokenTypeDefaultsToBearer(String type) {
            assertEquals("Bearer", new AccessToken("tok", type, ISSUED, EXPIRES).tokenType());
        }

        @Test
        void lifetimeIsExpiresMinusIssued() {
            assertEquals(Duration.ofSeconds(3600), token("tok").lifetime());
        }

        @Test
        void ofTakesTheInstantsOfALifetime() {
            TokenLifetime lifetime = new TokenLifetime(ISSUED, EXPIRES, TokenLifetime.Source.EXPIRES_IN_SECONDS);
            AccessToken t = AccessToken.of("tok", null, lifetime);
            assertEquals(ISSUED, t.issuedAt());
            assertEquals(EXPIRES, t.expiresAt());
            assertEquals("Bearer", t.tokenType());
        }

        @ParameterizedTest(name = "value \"{0}\"")
        @ValueSource(strings = {"", " ", "\t\n"})
        void rejectsBlankValue(String value) {
            assertThrows(IllegalArgumentException.class, () -> token(value));
        }

        @Test
        void rejectsNulls() {
            assertThrows(NullPointerException.class, () -> new AccessToken(null, "Bearer", ISSUED, EXPIRES));
            assertThrows(NullPointerException.class, () -> new AccessToken("t", "Bearer", null, EXPIRES));
            assertThrows(NullPointerException.class, () -> new AccessToken("t", "Bearer", ISSUED, null));
        }

        @Test
        void rejectsExpiryAtIssue() {
            assertThrows(IllegalArgumentException.class, () -> new AccessToken("t", "Bearer", ISSUED, ISSUED));
        }

        @Test
        void rejectsExpiryBeforeIssue() {
            assertThrows(IllegalArgumentException.class,
                    () -> new AccessToken("t", "Bearer", ISSUED, ISSUED.minusNanos(1)));
        }

        @Test
        void acceptsOneNanosecondLifetime() {
            assertEquals(Duration.ofNanos(1), new AccessToken("t", null, ISSUED, ISSUED.plusNanos(1)).lifetime());
        }
    }

    @Nested
    class Masking {

        @ParameterizedTest
        @ValueSource(strings = {"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "opaque-TOKEN-value-42", "ya29.a0AfH6SMB"})
        void toStringNeverContainsTheValue(String value) {
            String text = token(value).toString();
            assertFalse(text.contains(value), text);
        }

        @Test
        void toStringShowsTypeFingerprintAndExpiry() {
            AccessToken t = token("abc");
            assertEquals("AccessToken[Bearer fp:ba7816bf, expiresAt=2024-05-01T13:00:00Z]", t.toString());
        }

        @Test
        void toStringDoesNotContainALongPrefixOfTheValue() {
            String value = "SECRETPREFIX-" + "z".repeat(40);
            assertFalse(token(value).toString().contains("SECRETPREFIX"));
        }
    }

    @Nested
    class Fingerprints {

        @Test
        void isTheFirst128BitsOfSha256InLowercaseHex() {
            // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
            assertEquals("ba7816bf8f01cfea414140de5dae2223", AccessToken.Fingerprint.of("abc").hex());
        }

        @Test
        void isStableAcrossCallsAndInstances() {
            AccessToken a = token("same-value");
            AccessToken b = new AccessToken("same-value", "MAC", ISSUED.minusSeconds(5), EXPIRES.plusSeconds(5));
            assertEquals(a.fingerprint(), a.fingerprint());
            assertEquals(a.fingerprint(), b.fingerprint());
            assertEquals(AccessToken.Fingerprint.of("same-value"), a.fingerprint());
        }

        @Test
        void differsAcrossValues() {
            Set<AccessToken.Fingerprint> seen = new HashSet<>();
            for (int i = 0; i < 1000; i++) {
                assertTrue(seen.add(token("token-" + i).fingerprint()), "collision at " + i);
            }
            assertNotEquals(token("a").fingerprint(), token("A").fingerprint());
            assertNotEquals(token("abc").fingerprint(), token("abc ").fingerprint());
        }

        @Test
        void isThirtyTwoLowercaseHexDigits() {
            assertTrue(token("whatever").fingerprint().hex().matches("[0-9a-f]{32}"));
        }

        @Test
        void doesNotContainTheValue() {
            String value = "0123456789abcdef";
            assertFalse(AccessToken.Fingerprint.of(value).hex().contains(value));
        }

        @Test
        void toStringShowsOnlyEightDigits() {
            assertEquals("fp:ba7816bf", AccessToken.Fingerprint.of("abc").toString());
        }

        @Test
        void hashesUtf8() {
            // SHA-256("é" as UTF-8 C3 A9) differs from SHA-256 of the Latin-1 byte E9
            assertNotEquals(AccessToken.Fingerprint.of("é"), AccessToken.Fingerprint.of("\u00c3\u00a9"));
        }

        @ParameterizedTest(name = "hex \"{0}\"")
        @NullAndEmptySource
        @ValueSource(strings = {"BA7816BF8F01CFEA414140DE5DAE2223", "ba7816bf", "ba7816bf8f01cfea414140de5dae2223aa",
                "ga7816bf8f01cfea414140de5dae2223", " ba7816bf8f01cfea414140de5dae222"})
        void rejectsMalformedHex(String hex) {
            assertThrows(IllegalArgumentException.class, () -> new AccessToken.Fingerprint(hex));
        }
    }
}
