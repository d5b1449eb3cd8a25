package io.tokenbroker.domain.connection;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** TenantId, ConnectionName and ConnectionKey share one id syntax: 1..64 of [A-Za-z0-9._-]. */
class IdentifierTest {

    private static final String SIXTY_FOUR = "a".repeat(32) + "Z9._-".repeat(6) + "xy";
    private static final String SIXTY_FIVE = SIXTY_FOUR + "q";

    static Stream<String> validIds() {
        return Stream.of("a", "Z", "0", ".", "_", "-", "acme", "quickbooks-eu", "Tenant_01", "a.b-c_d",
                "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz", "0123456789", "...", SIXTY_FOUR);
    }

    static Stream<String> invalidIds() {
        return Stream.of(
                SIXTY_FIVE,
                "x".repeat(1000),
                " ",
                "   ",
                " acme",
                "acme ",
                "ac me",
                "acme\n",
                "acme\t",
                "/",
                "acme/eu",
                "../etc",
                "acme\\eu",
                "%2F",
                "acme%2Feu",
                "tenänt",
                "ünicode",
                "日本",
                "١٢٣",          // Arabic-Indic digits: Unicode digits, not ASCII
                "ａｃｍｅ",       // full-width Latin letters
                "acme\u00A0",   // no-break space
                "acme\u0000",
                "acme:eu",
                "acme@eu",
                "acme+eu",
                "acme*",
                "acme?x=1",
                "acme#1",
                "{acme}");
    }

    static Stream<Arguments> factories() {
        return Stream.of(
                Arguments.of("tenant", (Function<String, Object>) TenantId::of),
                Arguments.of("tenant", (Function<String, Object>) TenantId::new),
                Arguments.of("connection", (Function<String, Object>) ConnectionName::of),
                Arguments.of("connection", (Function<String, Object>) ConnectionName::new));
    }

    private static String expectedMessage(String kind) {
        return kind + " must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'";
    }

    @Test
    @DisplayName("the test fixtures are 64 and 65 characters long")
    void fixtureLengths() {
        assertEquals(64, SIXTY_FOUR.length());
        assertEquals(65, SIXTY_FIVE.length());
    }

    @Nested
    @DisplayName("TenantId")
    class Tenant {

        @ParameterizedTest(name = "accepts \"{0}\"")
        @MethodSource("io.tokenbroker.domain.connection.IdentifierTest#validIds")
        void acceptsValidIds(String value) {
            TenantId id = TenantId.of(value);
            assertEquals(value, id.value());
            assertEquals(value, id.toString());
        }

        @ParameterizedTest(name = "rejects \"{0}\"")
        @MethodSource("io.tokenbroker.domain.connection.IdentifierTest#invalidIds")
        void rejectsInvalidIds(String value) {
            InvalidIdentifierException e = assertThrows(InvalidIdentifierException.class, () -> TenantId.of(value));
            assertEquals("tenant", e.kind());
            assertEquals(expectedMessage("tenant"), e.getMessage());
        }

        @ParameterizedTest(name = "rejects {0}")
        @NullAndEmptySource
        void rejectsNullAndEmpty(String value) {
            InvalidIdentifierException e = assertThrows(InvalidIdentifierException.class, () -> TenantId.of(value));
            assertEquals("tenant", e.kind());
        }

        @Test
        void equalValuesAreEqualIds() {
            assertEquals(TenantId.of("acme"), TenantId.of("acme"));
            assertNotEquals(TenantId.of("acme"), TenantId.of("ACME"));
        }
    }

    @Nested
    @DisplayName("ConnectionName")
    class Name {

        @ParameterizedTest(name = "accepts \"{0}\"")
        @MethodSource("io.tokenbroker.domain.connection.IdentifierTest#validIds")
        void acceptsValidIds(String value) {
            ConnectionName name = ConnectionName.of(value);
            assertEquals(value, name.value());
            assertEquals(value, name.toString());
        }

        @ParameterizedTest(name = "rejects \"{0}\"")
        @MethodSource("io.tokenbroker.domain.connection.IdentifierTest#invalidIds")
        void rejectsInvalidIds(String value) {
            InvalidIdentifierException e =
                    assertThrows(InvalidIdentifierException.class, () -> ConnectionName.of(value));
            assertEquals("connection", e.kind());
            assertEquals(expectedMessage("connection"), e.getMessage());
        }

        @ParameterizedTest(name = "rejects {0}")
        @NullAndEmptySource
        void rejectsNullAndEmpty(String value) {
            InvalidIdentifierException e =
                    assertThrows(InvalidIdentifierException.class, () -> ConnectionName.of(value));
            assertEquals("connection", e.kind());
        }
    }

    @Nested
    @DisplayName("rejection messages never echo the rejected value")
    class MessageHygiene {

        @ParameterizedTest(name = "{0} rejects a secret-looking value without repeating it")
        @MethodSource("io.tokenbroker.domain.connection.IdentifierTest#factories")
        void messageDoesNotContainRejectedValue(String kind, Function<String, Object> factory) {
            String[] rejected = {
                "sk_live_S3CR3T value",
                "S3CR3T/../admin",
                "S3CR3T%2Fadmin",
                "S3CR3T-ünïcode",
                "S3CR3T" + "x".repeat(59),
            };
            for (String value : rejected) {
                InvalidIdentifierException e =
                        assertThrows(InvalidIdentifierException.class, () -> factory.apply(value));
                assertAll(value,
                        () -> assertEquals(kind, e.kind()),
                        () -> assertFalse(e.getMessage().contains(value), "message repeats the value"),
                        () -> assertFalse(e.getMessage().contains("S3CR3T"), "message repeats part of the value"));
            }
        }

        @Test
        @DisplayName("the message is the same whatever was rejected")
        void messageIsIndependentOfValue() {
            String first = assertThrows(InvalidIdentifierException.class, () -> TenantId.of("a/b")).getMessage();
            String second = assertThrows(InvalidIdentifierException.class, () -> TenantId.of(SIXTY_FIVE)).getMessage();
            String third = assertThrows(InvalidIdentifierException.class, () -> TenantId.of(null)).getMessage();
            assertEquals(first, second);
            assertEquals(first, third);
        }

        @Test
        void isAnIllegalArgumentException() {
            assertThrows(IllegalArgumentException.class, () -> TenantId.of("%2F"));
        }
    }

    @Nested
    @DisplayName("ConnectionKey")
    class Key {

        @Test
        void ofBuildsBothParts() {
            ConnectionKey key = ConnectionKey.of("acme", "quickbooks-eu");
            assertEquals(TenantId.of("acme"), key.tenant());
            assertEquals(ConnectionName.of("quickbooks-eu"), key.connection());
        }

        @Test
        void toStringIsTenantSlashConnection() {
            assertEquals("acme/quickbooks-eu", ConnectionKey.of("acme", "quickbooks-eu").toString());
        }

        @Test
        void equalPartsMakeEqualKeys() {
            assertEquals(ConnectionKey.of("acme", "eu"), ConnectionKey.of("acme", "eu"));
            assertEquals(ConnectionKey.of("acme", "eu").hashCode(), ConnectionKey.of("acme", "eu").hashCode());
            assertNotEquals(ConnectionKey.of("acme", "eu"), ConnectionKey.of("acme", "us"));
            assertNotEquals(ConnectionKey.of("acme", "eu"), ConnectionKey.of("acme2", "eu"));
        }

        @Test
        void invalidTenantIsReportedAsTenant() {
            InvalidIdentifierException e =
                    assertThrows(InvalidIdentifierException.class, () -> ConnectionKey.of("ac/me", "eu"));
            assertEquals("tenant", e.kind());
        }

        @Test
        void invalidConnectionIsReportedAsConnection() {
            InvalidIdentifierException e =
                    assertThrows(InvalidIdentifierException.class, () -> ConnectionKey.of("acme", "e u"));
            assertEquals("connection", e.kind());
        }

        @Test
        void nullPartsAreRejected() {
            assertThrows(NullPointerException.class, () -> new ConnectionKey(null, ConnectionName.of("eu")));
            assertThrows(NullPointerException.class, () -> new ConnectionKey(TenantId.of("acme"), null));
        }

        @ParameterizedTest
        @ValueSource(strings = {"a", "tenant.with.dots"})
        void slashInToStringCannotBeAmbiguous(String tenant) {
            // ids cannot contain '/', so the first '/' always separates tenant from connection
            ConnectionKey key = ConnectionKey.of(tenant, "c");
            assertEquals(tenant, key.toString().substring(0, key.toString().indexOf('/')));
        }
    }
}
