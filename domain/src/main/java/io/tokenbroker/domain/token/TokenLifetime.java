package io.tokenbroker.domain.token;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a token was issued and when it expires, normalised from whatever shape its provider used.
 *
 * @param source which field, read in which unit, decided the expiry (for logs and diagnostics)
 */
public record TokenLifetime(Instant issuedAt, Instant expiresAt, Source source) {

    /** How the expiry was read. */
    public enum Source {
        EXPIRES_IN_SECONDS,
        EXPIRES_IN_EPOCH_SECONDS,
        EXPIRES_IN_EPOCH_MILLIS,
        EXPIRES_AT,
        JWT_EXP,
        DEFAULT
    }

    /*
     * A number in expires_in below 1e9 is a duration: 1e9 s is 31 years, far beyond any token, while 1e9 as an
     * epoch is 2001-09-09, long gone. From 1e11 on it is epoch milliseconds: 1e11 ms is 1973, and 1e11 as epoch
     * seconds is the year 5138. Between the two it is epoch seconds (the 32-bit range ends at 2^31-1, in 2038).
     */
    static final long EPOCH_SECONDS_FROM = 1_000_000_000L;
    static final long EPOCH_MILLIS_FROM = 100_000_000_000L;

    private static final int MAX_NUMBER_LENGTH = 24;
    private static final Pattern JWT_EXP = Pattern.compile("\"exp\"\\s*:\\s*(\\d{1,19})(?:\\.\\d+)?\\s*[,}]");

    public TokenLifetime {
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(source, "source");
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("a lifetime must end after it starts");
        }
    }

    public Duration duration() {
        return Duration.between(issuedAt, expiresAt);
    }

    /**
     * The one place that decides what a provider's expiry means. Precedence: {@code expires_in}, then
     * {@code expires_at}, then a JWT {@code exp} claim, then the default lifetime.
     *
     * @throws InvalidExpiryException on zero, negative, past, unparseable or absurdly distant values
     */
    public static TokenLifetime normalise(ProviderExpiry returned, Clock clock, ExpiryRules rules) {
        Instant now = clock.instant();
        if (returned.expiresIn().isPresent()) {
            return fromExpiresIn(returned.expiresIn().get(), now, rules);
        }
        if (returned.expiresAt().isPresent()) {
            return bounded(parseInstant(returned.expiresAt().get()), now, rules, "expires_at", Source.EXPIRES_AT);
        }
        Optional<Instant> jwtExp = jwtExpiry(returned.accessToken());
        if (jwtExp.isPresent()) {
            return bounded(jwtExp.get(), now, rules, "exp", Source.JWT_EXP);
        }
        return new TokenLifetime(now, now.plus(rules.defaultLifetime()), Source.DEFAULT);
    }

    private static TokenLifetime fromExpiresIn(String text, Instant now, ExpiryRules rules) {
        long value = parseWholeNumber(text, "expires_in");
        if (value <= 0) {
            throw new InvalidExpiryException("expires_in", InvalidExpiryException.Reason.NOT_POSITIVE);
        }
        if (value >= EPOCH_MILLIS_FROM) {
            return bounded(Instant.ofEpochMilli(value), now, rules, "expires_in", Source.EXPIRES_IN_EPOCH_MILLIS);
        }
        if (value >= EPOCH_SECONDS_FROM) {
            return bounded(Instant.ofEpochSecond(value), now, rules, "expires_in", Source.EXPIRES_IN_EPOCH_SECONDS);
        }
        if (Duration.ofSeconds(value).compareTo(rules.maxLifetime()) > 0) {
            throw new InvalidExpiryException("expires_in", InvalidExpiryException.Reason.TOO_FAR_AHEAD);
        }
        return new TokenLifetime(now, now.plusSeconds(value), Source.EXPIRES_IN_SECONDS);
    }

    private static TokenLifetime bounded(Instant expiresAt, Instant now, ExpiryRules rules, String field, Source source) {
        if (!expiresAt.isAfter(now)) {
            throw new InvalidExpiryException(field, InvalidExpiryException.Reason.ALREADY_EXPIRED);
        }
        if (Duration.between(now, expiresAt).compareTo(rules.maxLifetime()) > 0) {
            throw new InvalidExpiryException(field, InvalidExpiryException.Reason.TOO_FAR_AHEAD);
        }
        return new TokenLifetime(now, expiresAt, source);
    }

    /** Accepts {@code 3600}, {@code "3600"} and {@code 3600.0}; fractions of a second are dropped. */
    private static long parseWholeNumber(String text, String field) {
        if (text.length() > MAX_NUMBER_LENGTH) {
            throw new InvalidExpiryException(field, InvalidExpiryException.Reason.TOO_FAR_AHEAD);
        }
        BigDecimal number;
        try {
            number = new BigDecimal(text);
        } catch (NumberFormatException notANumber) {
            throw new InvalidExpiryException(field, InvalidExpiryException.Reason.NOT_A_NUMBER);
        }
        if (number.signum() <= 0) {
            throw new InvalidExpiryException(field, InvalidExpiryException.Reason.NOT_POSITIVE);
        }
        // Digits before the point, judged before toBigInteger(): that would write out "1E+99999999" digit by digit,
        // minutes of CPU for eleven characters of input.
        long integerDigits = (long) number.precision() - number.scale();
        if (integerDigits <= 0) {
            return 0;
        }
        if (integerDigits > 19) {
            throw new InvalidExpiryException(field, InvalidExpiryException.Reason.TOO_FAR_AHEAD);
        }
        try {
            return number.toBigInteger().longValueExact();
        } catch (ArithmeticException tooLarge) {
            throw new InvalidExpiryException(field, InvalidExpiryException.Reason.TOO_FAR_AHEAD);
        }
    }

    private static Instant parseInstant(String text) {
        if (text.chars().allMatch(c -> c >= '0' && c <= '9' || c == '.')) {
            long value = parseWholeNumber(text, "expires_at");
            if (value >= EPOCH_MILLIS_FROM) {
                return Instant.ofEpochMilli(value);
            }
            if (value >= EPOCH_SECONDS_FROM) {
                return Instant.ofEpochSecond(value);
            }
            throw new InvalidExpiryException("expires_at", InvalidExpiryException.Reason.NOT_AN_INSTANT);
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException notIso) {
            throw new InvalidExpiryException("expires_at", InvalidExpiryException.Reason.NOT_AN_INSTANT);
        }
    }

    /** The {@code exp} claim of a JWT; empty for opaque tokens or JWTs without one. Signatures are not checked. */
    static Optional<Instant> jwtExpiry(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || parts[1].isEmpty()) {
            return Optional.empty();
        }
        String payload;
        try {
            payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64Url) {
            return Optional.empty();
        }
        Matcher exp = JWT_EXP.matcher(payload);
        if (!exp.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.ofEpochSecond(Long.parseLong(exp.group(1))));
        } catch (NumberFormatException | DateTimeException outOfRange) {
            return Optional.empty();
        }
    }
}
