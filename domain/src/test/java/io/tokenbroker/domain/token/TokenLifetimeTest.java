package io.tokenbroker.domain.token;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenbroker.domain.token.InvalidExpiryException.Reason;
import io.tokenbroker.domain.token.TokenLifetime.Source;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link TokenLifetime#normalise}: one test per shape a provider may use for its expiry. */
class TokenLifetimeTest {

    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    private static final long NOW_S = NOW.getEpochSecond();
    private static final long NOW_MS = NOW.toEpochMilli();
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final ExpiryRules RULES = ExpiryRules.defaults();
    private static final String OPAQUE = "opaque-access-token-0123456789";
    private static final long MAX_S = ExpiryRules.DEFAULT_MAX_LIFETIME.toSeconds();

    private static TokenLifetime normalise(Object expiresIn, Object expiresAt, String token) {
        return TokenLifetime.normalise(ProviderExpiry.of(expiresIn, expiresAt, token), CLOCK, RULES);
    }

    private static TokenLifetime normaliseAt(Instant now, Object expiresIn, Object expiresAt) {
        return TokenLifetime.normalise(ProviderExpiry.of(expiresIn, expiresAt, OPAQUE),
                Clock.fixed(now, ZoneOffset.UTC), RULES);
    }

    private static InvalidExpiryException rejected(Object expiresIn, Object expiresAt, String token) {
        return assertThrows(InvalidExpiryException.class, () -> normalise(expiresIn, expiresAt, token));
    }

    private static void assertLifetime(TokenLifetime actual, Instant expiresAt, Source source) {
        assertAll(
                () -> assertEquals(NOW, actual.issuedAt(), "issuedAt"),
                () -> assertEquals(expiresAt, actual.expiresAt(), "expiresAt"),
                () -> assertEquals(source, actual.source(), "source"));
    }

    private static void assertRejected(InvalidExpiryException e, String field, Reason reason) {
        assertAll(
                () -> assertEquals(field, e.field(), "field"),
                () -> assertEquals(reason, e.reason(), "reason"));
    }

    @Nested
    @DisplayName("expires_in as a duration in seconds")
    class ExpiresInDuration {

        @Test
        @DisplayName("JSON number 3600 handed over as Integer")
        void integer() {
            assertLifetime(normalise(3600, null, OPAQUE), NOW.plusSeconds(3600), Source.EXPIRES_IN_SECONDS);
        }

        @Test
        @DisplayName("JSON number 3600 handed over as Long")
        void longValue() {
            assertLifetime(normalise(3600L, null, OPAQUE), NOW.plusSeconds(3600), Source.EXPIRES_IN_SECONDS);
        }

        @Test
        @DisplayName("JSON number 3600.0 handed over as BigDecimal")
        void bigDecimal() {
            assertLifetime(normalise(new BigDecimal("3600.0"), null, OPAQUE), NOW.plusSeconds(3600),
                    Source.EXPIRES_IN_SECONDS);
        }

        @Test
        @DisplayName("JSON number 3600.0 handed over as Double")
        void doubleValue() {
            assertLifetime(normalise(3600.0d, null, OPAQUE), NOW.plusSeconds(3600), Source.EXPIRES_IN_SECONDS);
        }

        @Test
        @DisplayName("JSON number handed over as BigInteger")
        void bigInteger() {
            assertLifetime(normalise(BigInteger.valueOf(3600), null, OPAQUE), NOW.plusSeconds(3600),
                    Source.EXPIRES_IN_SECONDS);
        }

        @Test
        @DisplayName("numeric string \"3600\"")
        void numericString() {
            assertLifetime(normalise("3600", null, OPAQUE), NOW.plusSeconds(3600), Source.EXPIRES_IN_SECONDS);
        }

        @Test
        @DisplayName("numeric string with surrounding whitespace \" 3600 \"")
        void numericStringWithWhitespace() {
            assertLifetime(normalise(" 3600 ", null, OPAQUE), NOW.plusSeconds(3600), Source.EXPIRES_IN_SECONDS);
        }

        @Test
        @DisplayName("numeric string \"3600.0\"")
        void decimalString() {
            assertLifetime(normalise("3600.0", null, OPAQUE), NOW.plusSeconds(3600), Source.EXPIRES_IN_SECONDS);
        }

        @Test
        @DisplayName("fractions of a second are dropped: \"3600.9\" is 3600 s")
        void fractionDropped() {
            assertLifetime(normalise("3600.9", null, OPAQUE), NOW.plusSeconds(3600), Source.EXPIRES_IN_SECONDS);
        }

        @Test
        @DisplayName("scientific notation \"3.6E+3\"")
        void scientificNotation() {
            assertLifetime(normalise("3.6E+3", null, OPAQUE), NOW.plusSeconds(3600), Source.EXPIRES_IN_SECONDS);
        }

        @Test
        @DisplayName("explicit plus sign \"+3600\"")
        void plusSign() {
            assertLifetime(normalise("+3600", null, OPAQUE), NOW.plusSeconds(3600), Source.EXPIRES_IN_SECONDS);
        }

        @Test
        @DisplayName("one second is the shortest accepted duration")
        void oneSecond() {
            TokenLifetime lifetime = normalise(1, null, OPAQUE);
            assertLifetime(lifetime, NOW.plusSeconds(1), Source.EXPIRES_IN_SECONDS);
            assertEquals(Duration.ofSeconds(1), lifetime.duration());
        }

        @Test
        @DisplayName("duration() is the lifetime")
        void duration() {
            assertEquals(Duration.ofHours(1), normalise(3600, null, OPAQUE).duration());
        }
    }

    @Nested
    @DisplayName("expires_in as an epoch")
    class ExpiresInEpoch {

        @Test
        @DisplayName("epoch seconds now+3600")
        void epochSeconds() {
            assertLifetime(normalise(NOW_S + 3600, null, OPAQUE), NOW.plusSeconds(3600),
                    Source.EXPIRES_IN_EPOCH_SECONDS);
        }

        @Test
        @DisplayName("epoch seconds now+3600 as a string")
        void epochSecondsString() {
            assertLifetime(normalise(String.valueOf(NOW_S + 3600), null, OPAQUE), NOW.plusSeconds(3600),
                    Source.EXPIRES_IN_EPOCH_SECONDS);
        }

        @Test
        @DisplayName("epoch millis now+3600000")
        void epochMillis() {
            assertLifetime(normalise(NOW_MS + 3_600_000, null, OPAQUE), NOW.plusSeconds(3600),
                    Source.EXPIRES_IN_EPOCH_MILLIS);
        }

        @Test
        @DisplayName("epoch millis as a string keep their millisecond part")
        void epochMillisString() {
            assertLifetime(normalise(String.valueOf(NOW_MS + 3_600_123), null, OPAQUE),
                    NOW.plusMillis(3_600_123), Source.EXPIRES_IN_EPOCH_MILLIS);
        }

        @Test
        @DisplayName("2147483647 (2^31-1) as epoch seconds and as epoch millis decode to the same instant")
        void thirtyTwoBitBoundary() {
            Instant boundary = Instant.parse("2038-01-19T03:14:07Z");
            assertEquals(Integer.MAX_VALUE, boundary.getEpochSecond());
            Instant now = Instant.parse("2038-01-18T03:14:07Z");

            TokenLifetime asSeconds = normaliseAt(now, Integer.MAX_VALUE, null);
            TokenLifetime asMillis = normaliseAt(now, 2_147_483_647_000L, null);

            assertAll(
                    () -> assertEquals(boundary, asSeconds.expiresAt()),
                    () -> assertEquals(boundary, asMillis.expiresAt()),
                    () -> assertEquals(asSeconds.expiresAt(), asMillis.expiresAt()),
                    () -> assertEquals(Source.EXPIRES_IN_EPOCH_SECONDS, asSeconds.source()),
                    () -> assertEquals(Source.EXPIRES_IN_EPOCH_MILLIS, asMillis.source()),
                    () -> assertEquals(Duration.ofDays(1), asSeconds.duration()),
                    () -> assertEquals(now, asSeconds.issuedAt()));
        }
    }

    @Nested
    @DisplayName("unit thresholds of expires_in")
    class Thresholds {

        @Test
        @DisplayName("999_999_999 is read as a duration: too far ahead under the default rules")
        void justBelowEpochSecondsIsDurationTooFarAhead() {
            assertRejected(rejected(999_999_999L, null, OPAQUE), "expires_in", Reason.TOO_FAR_AHEAD);
        }

        @Test
        @DisplayName("999_999_999 is read as a duration: accepted when the rules allow it")
        void justBelowEpochSecondsIsDuration() {
            ExpiryRules generous = new ExpiryRules(Duration.ofHours(1), Duration.ofSeconds(1_000_000_000L));
            TokenLifetime lifetime = TokenLifetime.normalise(ProviderExpiry.of(999_999_999L, null, OPAQUE),
                    CLOCK, generous);
            assertLifetime(lifetime, NOW.plusSeconds(999_999_999L), Source.EXPIRES_IN_SECONDS);
        }

        @Test
        @DisplayName("1_000_000_000 is read as epoch seconds (2001-09-09T01:46:40Z)")
        void epochSecondsFrom() {
            Instant expiry = Instant.ofEpochSecond(1_000_000_000L);
            assertEquals(Instant.parse("2001-09-09T01:46:40Z"), expiry);
            TokenLifetime lifetime = normaliseAt(expiry.minusSeconds(3600), 1_000_000_000L, null);
            assertEquals(expiry, lifetime.expiresAt());
            assertEquals(Source.EXPIRES_IN_EPOCH_SECONDS, lifetime.source());
        }

        @Test
        @DisplayName("1_000_000_000 in the past of the default clock is already expired, not a 31-year duration")
        void epochSecondsFromIsNotADuration() {
            assertRejected(rejected(1_000_000_000L, null, OPAQUE), "expires_in", Reason.ALREADY_EXPIRED);
        }

        @Test
        @DisplayName("99_999_999_999 is still read as epoch seconds (year 5138)")
        void epochSecondsUntil() {
            Instant expiry = Instant.ofEpochSecond(99_999_999_999L);
            TokenLifetime lifetime = normaliseAt(expiry.minusSeconds(3600), 99_999_999_999L, null);
            assertEquals(expiry, lifetime.expiresAt());
            assertEquals(Source.EXPIRES_IN_EPOCH_SECONDS, lifetime.source());
        }

        @Test
        @DisplayName("99_999_999_999 under the default clock is too far ahead")
        void epochSecondsUntilTooFarAhead() {
            assertRejected(rejected(99_999_999_999L, null, OPAQUE), "expires_in", Reason.TOO_FAR_AHEAD);
        }

        @Test
        @DisplayName("100_000_000_000 is read as epoch millis (1973-03-03T09:46:40Z)")
        void epochMillisFrom() {
            Instant expiry = Instant.ofEpochMilli(100_000_000_000L);
            assertEquals(Instant.parse("1973-03-03T09:46:40Z"), expiry);
            TokenLifetime lifetime = normaliseAt(expiry.minusSeconds(3600), 100_000_000_000L, null);
            assertEquals(expiry, lifetime.expiresAt());
            assertEquals(Source.EXPIRES_IN_EPOCH_MILLIS, lifetime.source());
        }

        @Test
        @DisplayName("100_000_000_000 under the default clock is already expired")
        void epochMillisFromInThePast() {
            assertRejected(rejected(100_000_000_000L, null, OPAQUE), "expires_in", Reason.ALREADY_EXPIRED);
        }

        @Test
        @DisplayName("the thresholds are 1e9 and 1e11")
        void constants() {
            assertEquals(1_000_000_000L, TokenLifetime.EPOCH_SECONDS_FROM);
            assertEquals(100_000_000_000L, TokenLifetime.EPOCH_MILLIS_FROM);
        }
    }

    @Nested
    @DisplayName("expires_at")
    class ExpiresAt {

        @Test
        @DisplayName("ISO-8601 in UTC (Z)")
        void isoUtc() {
            assertLifetime(normalise(null, "2024-05-01T13:00:00Z", OPAQUE), NOW.plusSeconds(3600),
                    Source.EXPIRES_AT);
        }

        @Test
        @DisplayName("ISO-8601 with an offset")
        void isoWithOffset() {
            assertLifetime(normalise(null, "2024-05-01T15:00:00+02:00", OPAQUE), NOW.plusSeconds(3600),
                    Source.EXPIRES_AT);
        }

        @Test
        @DisplayName("ISO-8601 with a negative offset")
        void isoWithNegativeOffset() {
            assertLifetime(normalise(null, "2024-05-01T08:30:00-04:30", OPAQUE), NOW.plusSeconds(3600),
                    Source.EXPIRES_AT);
        }

        @Test
        @DisplayName("ISO-8601 with fractional seconds")
        void isoWithFraction() {
            assertLifetime(normalise(null, "2024-05-01T13:00:00.250Z", OPAQUE), NOW.plusSeconds(3600).plusMillis(250),
                    Source.EXPIRES_AT);
        }

        @Test
        @DisplayName("epoch seconds as a number")
        void epochSecondsNumber() {
            assertLifetime(normalise(null, NOW_S + 3600, OPAQUE), NOW.plusSeconds(3600), Source.EXPIRES_AT);
        }

        @Test
        @DisplayName("epoch seconds as a string")
        void epochSecondsString() {
            assertLifetime(normalise(null, String.valueOf(NOW_S + 3600), OPAQUE), NOW.plusSeconds(3600),
                    Source.EXPIRES_AT);
        }

        @Test
        @DisplayName("epoch millis as a number")
        void epochMillisNumber() {
            assertLifetime(normalise(null, NOW_MS + 3_600_000, OPAQUE), NOW.plusSeconds(3600), Source.EXPIRES_AT);
        }

        @Test
        @DisplayName("epoch millis as a string")
        void epochMillisString() {
            assertLifetime(normalise(null, String.valueOf(NOW_MS + 3_600_500), OPAQUE), NOW.plusMillis(3_600_500),
                    Source.EXPIRES_AT);
        }

        @Test
        @DisplayName("epoch seconds as a BigDecimal in scientific form")
        void epochSecondsBigDecimal() {
            BigDecimal scientific = BigDecimal.valueOf(NOW_S + 3600).stripTrailingZeros();
            assertEquals("1.7145684E+9", scientific.toString());
            assertLifetime(normalise(null, scientific, OPAQUE), NOW.plusSeconds(3600), Source.EXPIRES_AT);
        }

        @ParameterizedTest(name = "\"{0}\" is not an instant")
        @ValueSource(strings = {"3600", "999999999", "tomorrow", "2024-05-01", "2024-05-01T13:00:00",
                "2024-13-01T00:00:00Z", "13:00:00Z", "1714568400s", "-1714568400"})
        void notAnInstant(String value) {
            assertRejected(rejected(null, value, OPAQUE), "expires_at", Reason.NOT_AN_INSTANT);
        }

        @Test
        @DisplayName("empty expires_at is rejected, not taken for a missing field")
        void empty() {
            InvalidExpiryException e = rejected(null, "", OPAQUE);
            assertEquals("expires_at", e.field());
        }

        @Test
        @DisplayName("ISO instant in the past is already expired")
        void isoInThePast() {
            assertRejected(rejected(null, "2024-05-01T11:59:59Z", OPAQUE), "expires_at", Reason.ALREADY_EXPIRED);
        }

        @Test
        @DisplayName("ISO instant equal to now is already expired")
        void isoEqualToNow() {
            assertRejected(rejected(null, "2024-05-01T12:00:00Z", OPAQUE), "expires_at", Reason.ALREADY_EXPIRED);
        }

        @Test
        @DisplayName("epoch in the past is already expired")
        void epochInThePast() {
            assertRejected(rejected(null, NOW_S - 1, OPAQUE), "expires_at", Reason.ALREADY_EXPIRED);
            assertRejected(rejected(null, NOW_MS - 1, OPAQUE), "expires_at", Reason.ALREADY_EXPIRED);
        }

        @Test
        @DisplayName("more than the maximum lifetime ahead is too far ahead")
        void tooFarAhead() {
            assertRejected(rejected(null, NOW_S + MAX_S + 1, OPAQUE), "expires_at", Reason.TOO_FAR_AHEAD);
            assertRejected(rejected(null, "2030-01-01T00:00:00Z", OPAQUE), "expires_at", Reason.TOO_FAR_AHEAD);
        }

        @Test
        @DisplayName("exactly the maximum lifetime ahead is accepted")
        void exactlyMax() {
            assertLifetime(normalise(null, NOW_S + MAX_S, OPAQUE), NOW.plusSeconds(MAX_S), Source.EXPIRES_AT);
        }
    }

    @Nested
    @DisplayName("JWT exp when neither field was returned")
    class JwtExp {

        @Test
        @DisplayName("an unsigned JWT's exp decides the expiry")
        void jwtExpUsed() {
            assertLifetime(normalise(null, null, Jwt.withExp(NOW_S + 1800)), NOW.plusSeconds(1800), Source.JWT_EXP);
        }

        @Test
        @DisplayName("a JWT with a (fake) signature segment")
        void signedShape() {
            String jwt = Jwt.withExp(NOW_S + 1800);
            jwt = jwt.substring(0, jwt.length() - 1) + ".c2lnbmF0dXJl";
            assertLifetime(normalise(null, null, jwt), NOW.plusSeconds(1800), Source.JWT_EXP);
        }

        @Test
        @DisplayName("exp as the only claim, with whitespace around the colon")
        void expAlone() {
            String jwt = Jwt.unsigned("{ \"exp\" : " + (NOW_S + 600) + " }");
            assertLifetime(normalise(null, null, jwt), NOW.plusSeconds(600), Source.JWT_EXP);
        }

        @Test
        @DisplayName("exp with a fractional part (NumericDate may be non-integer)")
        void fractionalExp() {
            String jwt = Jwt.unsigned("{\"exp\":" + (NOW_S + 600) + ".75,\"sub\":\"x\"}");
            assertLifetime(normalise(null, null, jwt), NOW.plusSeconds(600), Source.JWT_EXP);
        }

        @Test
        @DisplayName("JWT whose payload length needs no padding, one and two padding characters")
        void paddingVariants() {
            for (String sub : new String[] {"a", "ab", "abc"}) {
                String jwt = Jwt.unsigned("{\"sub\":\"" + sub + "\",\"exp\":" + (NOW_S + 900) + "}");
                assertLifetime(normalise(null, null, jwt), NOW.plusSeconds(900), Source.JWT_EXP);
            }
        }

        @Test
        @DisplayName("JWT without exp falls back to the default lifetime")
        void jwtWithoutExp() {
            String jwt = Jwt.unsigned("{\"sub\":\"client-1\",\"iat\":" + NOW_S + "}");
            assertLifetime(normalise(null, null, jwt), NOW.plusSeconds(3300), Source.DEFAULT);
        }

        @Test
        @DisplayName("JWT whose exp is a string falls back to the default lifetime")
        void jwtWithStringExp() {
            String jwt = Jwt.unsigned("{\"exp\":\"" + (NOW_S + 600) + "\"}");
            assertLifetime(normalise(null, null, jwt), NOW.plusSeconds(3300), Source.DEFAULT);
        }

        @Test
        @DisplayName("a claim that merely ends in exp is not exp")
        void otherClaimEndingInExp() {
            String jwt = Jwt.unsigned("{\"token_exp\":" + (NOW_S + 600) + "}");
            assertLifetime(normalise(null, null, jwt), NOW.plusSeconds(3300), Source.DEFAULT);
        }

        @Test
        @DisplayName("opaque token falls back to the default lifetime")
        void opaqueToken() {
            assertLifetime(normalise(null, null, OPAQUE), NOW.plusSeconds(3300), Source.DEFAULT);
        }

        @Test
        @DisplayName("malformed base64 payload falls back to the default lifetime")
        void malformedBase64() {
            String jwt = Jwt.segment(Jwt.HEADER) + ".!!not*base64!!.";
            assertLifetime(normalise(null, null, jwt), NOW.plusSeconds(3300), Source.DEFAULT);
        }

        @Test
        @DisplayName("standard (not url-safe) base64 alphabet in the payload falls back to the default lifetime")
        void standardBase64Alphabet() {
            String jwt = Jwt.segment(Jwt.HEADER) + ".ab+/cd.";
            assertLifetime(normalise(null, null, jwt), NOW.plusSeconds(3300), Source.DEFAULT);
        }

        @Test
        @DisplayName("payload that decodes to something other than JSON falls back to the default lifetime")
        void payloadNotJson() {
            String jwt = Jwt.unsigned("not json at all");
            assertLifetime(normalise(null, null, jwt), NOW.plusSeconds(3300), Source.DEFAULT);
        }

        @Test
        @DisplayName("JWT with an expired exp is rejected as already expired")
        void expiredJwt() {
            assertRejected(rejected(null, null, Jwt.withExp(NOW_S - 60)), "exp", Reason.ALREADY_EXPIRED);
        }

        @Test
        @DisplayName("JWT with exp equal to now is rejected as already expired")
        void jwtExpEqualToNow() {
            assertRejected(rejected(null, null, Jwt.withExp(NOW_S)), "exp", Reason.ALREADY_EXPIRED);
        }

        @Test
        @DisplayName("JWT with exp beyond the maximum lifetime is rejected as too far ahead")
        void jwtTooFarAhead() {
            assertRejected(rejected(null, null, Jwt.withExp(NOW_S + MAX_S + 1)), "exp", Reason.TOO_FAR_AHEAD);
        }

        @Test
        @DisplayName("JWT exp is used even when it is not exactly the default")
        void jwtExpDiffersFromDefault() {
            TokenLifetime lifetime = normalise(null, null, Jwt.withExp(NOW_S + 7200));
            assertEquals(Duration.ofHours(2), lifetime.duration());
        }
    }

    @Nested
    @DisplayName("jwtExpiry on its own")
    class JwtExpiry {

        @Test
        void readsExp() {
            assertEquals(Optional.of(Instant.ofEpochSecond(1_900_000_000L)),
                    TokenLifetime.jwtExpiry(Jwt.withExp(1_900_000_000L)));
        }

        @ParameterizedTest(name = "\"{0}\" has no exp")
        @ValueSource(strings = {"", "opaque", "a.b", "a.b.c.d", "a..c", "...", "eyJhbGciOiJub25lIn0.%%%.",
                "a.b.c.d.e"})
        void noExp(String token) {
            assertEquals(Optional.empty(), TokenLifetime.jwtExpiry(token));
        }

        @Test
        void nullTokenHasNoExp() {
            assertEquals(Optional.empty(), TokenLifetime.jwtExpiry(null));
        }

        @Test
        void expBeyondLongRangeIsIgnored() {
            assertEquals(Optional.empty(), TokenLifetime.jwtExpiry(Jwt.unsigned("{\"exp\":9999999999999999999}")));
        }

        @Test
        void expBeyondInstantRangeIsIgnored() {
            assertEquals(Optional.empty(), TokenLifetime.jwtExpiry(Jwt.unsigned("{\"exp\":999999999999999999}")));
        }

        @Test
        void negativeExpIsIgnored() {
            assertEquals(Optional.empty(), TokenLifetime.jwtExpiry(Jwt.unsigned("{\"exp\":-5}")));
        }
    }

    @Nested
    @DisplayName("default lifetime")
    class DefaultLifetime {

        @Test
        @DisplayName("3300 s when nothing says otherwise")
        void defaultIs3300Seconds() {
            TokenLifetime lifetime = normalise(null, null, OPAQUE);
            assertLifetime(lifetime, NOW.plusSeconds(3300), Source.DEFAULT);
            assertEquals(Duration.ofSeconds(3300), lifetime.duration());
        }

        @Test
        @DisplayName("null access token falls back to the default too")
        void nullToken() {
            assertLifetime(normalise(null, null, null), NOW.plusSeconds(3300), Source.DEFAULT);
        }

        @Test
        @DisplayName("a configured default lifetime is respected")
        void configurableDefault() {
            ExpiryRules rules = new ExpiryRules(Duration.ofMinutes(10), Duration.ofDays(1));
            TokenLifetime lifetime = TokenLifetime.normalise(ProviderExpiry.of(null, null, OPAQUE), CLOCK, rules);
            assertLifetime(lifetime, NOW.plus(Duration.ofMinutes(10)), Source.DEFAULT);
        }

        @Test
        @DisplayName("a configured default applies to JWTs without exp as well")
        void configurableDefaultForJwtWithoutExp() {
            ExpiryRules rules = new ExpiryRules(Duration.ofSeconds(90), Duration.ofDays(1));
            TokenLifetime lifetime = TokenLifetime.normalise(
                    ProviderExpiry.of(null, null, Jwt.unsigned("{\"sub\":\"x\"}")), CLOCK, rules);
            assertLifetime(lifetime, NOW.plusSeconds(90), Source.DEFAULT);
        }
    }

    @Nested
    @DisplayName("precedence: expires_in > expires_at > JWT exp > default")
    class Precedence {

        private final String jwt = Jwt.withExp(NOW_S + 600);
        private final String expiresAt = "2024-05-01T12:20:00Z";

        @Test
        @DisplayName("expires_in wins over expires_at and JWT exp")
        void expiresInFirst() {
            assertLifetime(normalise(3600, expiresAt, jwt), NOW.plusSeconds(3600), Source.EXPIRES_IN_SECONDS);
        }

        @Test
        @DisplayName("expires_at wins over JWT exp")
        void expiresAtSecond() {
            assertLifetime(normalise(null, expiresAt, jwt), NOW.plusSeconds(1200), Source.EXPIRES_AT);
        }

        @Test
        @DisplayName("JWT exp wins over the default")
        void jwtThird() {
            assertLifetime(normalise(null, null, jwt), NOW.plusSeconds(600), Source.JWT_EXP);
        }

        @Test
        @DisplayName("the default comes last")
        void defaultLast() {
            assertLifetime(normalise(null, null, OPAQUE), NOW.plusSeconds(3300), Source.DEFAULT);
        }

        @Test
        @DisplayName("an unusable expires_in is not rescued by a usable expires_at")
        void invalidExpiresInIsNotSkipped() {
            assertRejected(rejected("abc", expiresAt, jwt), "expires_in", Reason.NOT_A_NUMBER);
        }

        @Test
        @DisplayName("an unusable expires_at is not rescued by the JWT exp")
        void invalidExpiresAtIsNotSkipped() {
            assertRejected(rejected(null, "yesterday", jwt), "expires_at", Reason.NOT_AN_INSTANT);
        }

        @Test
        @DisplayName("a usable expires_in hides an unusable expires_at")
        void expiresAtIgnoredWhenExpiresInPresent() {
            assertLifetime(normalise(3600, "garbage", jwt), NOW.plusSeconds(3600), Source.EXPIRES_IN_SECONDS);
        }
    }

    static Stream<Arguments> unusableExpiresIn() {
        return Stream.of(
                Arguments.of(0, Reason.NOT_POSITIVE),
                Arguments.of(0L, Reason.NOT_POSITIVE),
                Arguments.of("0", Reason.NOT_POSITIVE),
                Arguments.of("0.0", Reason.NOT_POSITIVE),
                Arguments.of(new BigDecimal("0.00"), Reason.NOT_POSITIVE),
                Arguments.of("0.5", Reason.NOT_POSITIVE),
                Arguments.of(-1, Reason.NOT_POSITIVE),
                Arguments.of(-3600L, Reason.NOT_POSITIVE),
                Arguments.of("-5", Reason.NOT_POSITIVE),
                Arguments.of("-0.5", Reason.NOT_POSITIVE),
                Arguments.of(Long.MIN_VALUE, Reason.NOT_POSITIVE),
                Arguments.of("abc", Reason.NOT_A_NUMBER),
                Arguments.of("", Reason.NOT_A_NUMBER),
                Arguments.of("   ", Reason.NOT_A_NUMBER),
                Arguments.of("NaN", Reason.NOT_A_NUMBER),
                Arguments.of(Double.NaN, Reason.NOT_A_NUMBER),
                Arguments.of("Infinity", Reason.NOT_A_NUMBER),
                Arguments.of(Double.POSITIVE_INFINITY, Reason.NOT_A_NUMBER),
                Arguments.of("3600s", Reason.NOT_A_NUMBER),
                Arguments.of("1h", Reason.NOT_A_NUMBER),
                Arguments.of("0x10", Reason.NOT_A_NUMBER),
                Arguments.of("36 00", Reason.NOT_A_NUMBER),
                Arguments.of("3,600", Reason.NOT_A_NUMBER),
                Arguments.of("true", Reason.NOT_A_NUMBER),
                Arguments.of(Boolean.TRUE, Reason.NOT_A_NUMBER),
                Arguments.of("1E+2147483648", Reason.NOT_A_NUMBER),
                Arguments.of("9".repeat(40), Reason.TOO_FAR_AHEAD),
                Arguments.of("1" + "0".repeat(39), Reason.TOO_FAR_AHEAD),
                Arguments.of(new BigInteger("9".repeat(40)), Reason.TOO_FAR_AHEAD),
                Arguments.of(new BigDecimal("1E+39"), Reason.TOO_FAR_AHEAD),
                Arguments.of("99999999999999999999", Reason.TOO_FAR_AHEAD),
                Arguments.of(String.valueOf(Long.MAX_VALUE), Reason.TOO_FAR_AHEAD),
                Arguments.of(Long.MAX_VALUE, Reason.TOO_FAR_AHEAD),
                Arguments.of(1e300, Reason.TOO_FAR_AHEAD),
                Arguments.of("1E+39", Reason.TOO_FAR_AHEAD));
    }

    @Nested
    @DisplayName("rejections")
    class Rejections {

        @ParameterizedTest(name = "expires_in {0} -> {1}")
        @MethodSource("io.tokenbroker.domain.token.TokenLifetimeTest#unusableExpiresIn")
        void rejectsUnusableExpiresIn(Object expiresIn, Reason reason) {
            assertRejected(rejected(expiresIn, null, OPAQUE), "expires_in", reason);
        }

        @Test
        @DisplayName("0 is not positive")
        void zero() {
            assertRejected(rejected(0, null, OPAQUE), "expires_in", Reason.NOT_POSITIVE);
        }

        @Test
        @DisplayName("a negative number is not positive")
        void negative() {
            assertRejected(rejected(-1, null, OPAQUE), "expires_in", Reason.NOT_POSITIVE);
        }

        @Test
        @DisplayName("\"-5\" is not positive")
        void negativeString() {
            assertRejected(rejected("-5", null, OPAQUE), "expires_in", Reason.NOT_POSITIVE);
        }

        @Test
        @DisplayName("\"abc\" is not a number")
        void abc() {
            assertRejected(rejected("abc", null, OPAQUE), "expires_in", Reason.NOT_A_NUMBER);
        }

        @Test
        @DisplayName("\"\" is not a number (and not taken for a missing field)")
        void emptyString() {
            assertRejected(rejected("", null, Jwt.withExp(NOW_S + 600)), "expires_in", Reason.NOT_A_NUMBER);
        }

        @Test
        @DisplayName("\"NaN\" is not a number")
        void nan() {
            assertRejected(rejected("NaN", null, OPAQUE), "expires_in", Reason.NOT_A_NUMBER);
        }

        @Test
        @DisplayName("a 40-digit number is too far ahead")
        void fortyDigits() {
            assertRejected(rejected("1234567890".repeat(4), null, OPAQUE), "expires_in", Reason.TOO_FAR_AHEAD);
        }

        @Test
        @DisplayName("a huge number in exponent notation is refused without expanding it")
        void hugeExponent() {
            // 1E+999999999 would be a billion-digit integer; expanding it takes minutes and gigabytes
            assertRejected(rejected("1E+999999999", null, OPAQUE), "expires_in", Reason.TOO_FAR_AHEAD);
            assertRejected(rejected("1E+99999999", null, OPAQUE), "expires_in", Reason.TOO_FAR_AHEAD);
        }

        @Test
        @DisplayName("a huge BigDecimal from the JSON parser is refused without expanding it")
        void hugeBigDecimal() {
            assertRejected(rejected(new BigDecimal("1E+999999999"), null, OPAQUE), "expires_in",
                    Reason.TOO_FAR_AHEAD);
        }

        @Test
        @DisplayName("a tiny number in exponent notation is not positive, without expanding it")
        void tinyExponent() {
            assertRejected(rejected("1E-999999999", null, OPAQUE), "expires_in", Reason.NOT_POSITIVE);
            assertRejected(rejected(new BigDecimal("1E-999999999"), null, OPAQUE), "expires_in",
                    Reason.NOT_POSITIVE);
        }

        @Test
        @DisplayName("epoch seconds in the past are already expired")
        void epochSecondsInThePast() {
            assertRejected(rejected(NOW_S - 1, null, OPAQUE), "expires_in", Reason.ALREADY_EXPIRED);
            assertRejected(rejected(1_500_000_000L, null, OPAQUE), "expires_in", Reason.ALREADY_EXPIRED);
        }

        @Test
        @DisplayName("epoch millis in the past are already expired")
        void epochMillisInThePast() {
            assertRejected(rejected(NOW_MS - 1, null, OPAQUE), "expires_in", Reason.ALREADY_EXPIRED);
        }

        @Test
        @DisplayName("epoch seconds equal to now are already expired")
        void epochSecondsEqualToNow() {
            assertRejected(rejected(NOW_S, null, OPAQUE), "expires_in", Reason.ALREADY_EXPIRED);
        }

        @Test
        @DisplayName("epoch millis equal to now are already expired")
        void epochMillisEqualToNow() {
            assertRejected(rejected(NOW_MS, null, OPAQUE), "expires_in", Reason.ALREADY_EXPIRED);
        }

        @Test
        @DisplayName("a duration longer than the maximum lifetime is too far ahead")
        void durationTooFarAhead() {
            assertRejected(rejected(MAX_S + 1, null, OPAQUE), "expires_in", Reason.TOO_FAR_AHEAD);
        }

        @Test
        @DisplayName("a duration of exactly the maximum lifetime is accepted")
        void durationExactlyMax() {
            assertLifetime(normalise(MAX_S, null, OPAQUE), NOW.plusSeconds(MAX_S), Source.EXPIRES_IN_SECONDS);
        }

        @Test
        @DisplayName("epoch seconds more than the maximum lifetime ahead are too far ahead")
        void epochSecondsTooFarAhead() {
            assertRejected(rejected(NOW_S + MAX_S + 1, null, OPAQUE), "expires_in", Reason.TOO_FAR_AHEAD);
        }

        @Test
        @DisplayName("epoch seconds exactly the maximum lifetime ahead are accepted")
        void epochSecondsExactlyMax() {
            assertLifetime(normalise(NOW_S + MAX_S, null, OPAQUE), NOW.plusSeconds(MAX_S),
                    Source.EXPIRES_IN_EPOCH_SECONDS);
        }

        @Test
        @DisplayName("epoch millis 1 ms beyond the maximum lifetime are too far ahead")
        void epochMillisTooFarAhead() {
            assertRejected(rejected(NOW_MS + MAX_S * 1000 + 1, null, OPAQUE), "expires_in", Reason.TOO_FAR_AHEAD);
        }

        @Test
        @DisplayName("epoch millis exactly the maximum lifetime ahead are accepted")
        void epochMillisExactlyMax() {
            assertLifetime(normalise(NOW_MS + MAX_S * 1000, null, OPAQUE), NOW.plusSeconds(MAX_S),
                    Source.EXPIRES_IN_EPOCH_MILLIS);
        }

        @Test
        @DisplayName("a configured maximum lifetime is respected, inclusive")
        void configuredMax() {
            ExpiryRules rules = new ExpiryRules(Duration.ofMinutes(30), Duration.ofHours(2));
            assertEquals(NOW.plusSeconds(7200), TokenLifetime.normalise(
                    ProviderExpiry.of(7200, null, OPAQUE), CLOCK, rules).expiresAt());
            InvalidExpiryException e = assertThrows(InvalidExpiryException.class,
                    () -> TokenLifetime.normalise(ProviderExpiry.of(7201, null, OPAQUE), CLOCK, rules));
            assertRejected(e, "expires_in", Reason.TOO_FAR_AHEAD);
        }

        @Test
        @DisplayName("the message names field and reason but never the value")
        void messageDoesNotContainValue() {
            InvalidExpiryException e = rejected("SECRET-ish-value", null, OPAQUE);
            assertEquals("provider returned an unusable expires_in (not_a_number)", e.getMessage());
            assertFalse(e.getMessage().contains("SECRET"));

            InvalidExpiryException past = rejected(1_500_000_000L, null, OPAQUE);
            assertFalse(past.getMessage().contains("1500000000"));
        }
    }

    @Nested
    @DisplayName("clock skew")
    class ClockSkew {

        @Test
        @DisplayName("epoch seconds only 1 s in the future are accepted with a 1 s lifetime")
        void epochSecondsOneSecondAhead() {
            TokenLifetime lifetime = normalise(NOW_S + 1, null, OPAQUE);
            assertLifetime(lifetime, NOW.plusSeconds(1), Source.EXPIRES_IN_EPOCH_SECONDS);
            assertEquals(Duration.ofSeconds(1), lifetime.duration());
        }

        @Test
        @DisplayName("epoch millis only 1 ms in the future are accepted with a 1 ms lifetime")
        void epochMillisOneMilliAhead() {
            TokenLifetime lifetime = normalise(NOW_MS + 1, null, OPAQUE);
            assertLifetime(lifetime, NOW.plusMillis(1), Source.EXPIRES_IN_EPOCH_MILLIS);
            assertEquals(Duration.ofMillis(1), lifetime.duration());
        }

        @Test
        @DisplayName("expires_at only 1 s in the future is accepted with a 1 s lifetime")
        void expiresAtOneSecondAhead() {
            TokenLifetime lifetime = normalise(null, "2024-05-01T12:00:01Z", OPAQUE);
            assertEquals(Duration.ofSeconds(1), lifetime.duration());
        }

        @Test
        @DisplayName("issuedAt is always our clock's now, not the provider's")
        void issuedAtIsOurNow() {
            Instant later = NOW.plusMillis(250);
            TokenLifetime lifetime = normaliseAt(later, NOW_S + 2, null);
            assertEquals(later, lifetime.issuedAt());
            assertEquals(Duration.ofMillis(1750), lifetime.duration());
        }
    }

    @Nested
    @DisplayName("the TokenLifetime record")
    class Record {

        @Test
        void rejectsExpiryNotAfterIssue() {
            assertThrows(IllegalArgumentException.class, () -> new TokenLifetime(NOW, NOW, Source.DEFAULT));
            assertThrows(IllegalArgumentException.class,
                    () -> new TokenLifetime(NOW, NOW.minusSeconds(1), Source.DEFAULT));
        }

        @Test
        void rejectsNulls() {
            assertThrows(NullPointerException.class, () -> new TokenLifetime(null, NOW, Source.DEFAULT));
            assertThrows(NullPointerException.class, () -> new TokenLifetime(NOW, null, Source.DEFAULT));
            assertThrows(NullPointerException.class, () -> new TokenLifetime(NOW, NOW.plusSeconds(1), null));
        }

        @Test
        void durationIsTheSpan() {
            assertEquals(Duration.ofMinutes(5),
                    new TokenLifetime(NOW, NOW.plus(Duration.ofMinutes(5)), Source.EXPIRES_AT).duration());
        }
    }
}
