package io.tokenbroker.domain.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How raw JSON values are turned into text before anyone guesses their unit. */
class ProviderExpiryTest {

    @Test
    void nullsAreAbsent() {
        ProviderExpiry e = ProviderExpiry.of(null, null, "tok");
        assertEquals(Optional.empty(), e.expiresIn());
        assertEquals(Optional.empty(), e.expiresAt());
        assertEquals("tok", e.accessToken());
    }

    @Test
    void integersBecomeTheirDecimalText() {
        assertEquals(Optional.of("3600"), ProviderExpiry.of(3600, null, "t").expiresIn());
        assertEquals(Optional.of("3600"), ProviderExpiry.of(3600L, null, "t").expiresIn());
        assertEquals(Optional.of("3600"), ProviderExpiry.of(BigInteger.valueOf(3600), null, "t").expiresIn());
    }

    @Test
    void bigDecimalsAreWrittenPlainNotInScientificNotation() {
        assertEquals(Optional.of("3600.0"), ProviderExpiry.of(new BigDecimal("3600.0"), null, "t").expiresIn());
        assertEquals(Optional.of("1700000000"),
                ProviderExpiry.of(null, new BigDecimal("1.7E+9"), "t").expiresAt());
    }

    @Test
    void bigDecimalsWithAnAbsurdExponentKeepTheirShortScientificForm() {
        // toPlainString() would write out a billion digits here
        assertEquals(Optional.of("1E+999999999"),
                ProviderExpiry.of(new BigDecimal("1E+999999999"), null, "t").expiresIn());
        assertEquals(Optional.of("1E-999999999"),
                ProviderExpiry.of(new BigDecimal("1E-999999999"), null, "t").expiresIn());
    }

    @Test
    void stringsAreStripped() {
        ProviderExpiry e = ProviderExpiry.of(" 3600\n", "\t2024-05-01T13:00:00Z ", "t");
        assertEquals(Optional.of("3600"), e.expiresIn());
        assertEquals(Optional.of("2024-05-01T13:00:00Z"), e.expiresAt());
    }

    @Test
    void emptyAndBlankStringsArePresentSoTheyCanBeRejected() {
        // "expires_in": "" is a value the provider sent, not a missing field: it must not silently become the
        // default lifetime (see TokenLifetimeTest.Rejections)
        assertEquals(Optional.of(""), ProviderExpiry.of("", null, "t").expiresIn());
        assertEquals(Optional.of(""), ProviderExpiry.of("   ", null, "t").expiresIn());
        assertEquals(Optional.of(""), ProviderExpiry.of(null, "", "t").expiresAt());
    }

    @Test
    void constructorWithAbsentFields() {
        ProviderExpiry e = new ProviderExpiry(Optional.empty(), Optional.empty(), null);
        assertEquals(Optional.empty(), e.expiresIn());
        assertEquals(Optional.empty(), e.expiresAt());
    }
}
