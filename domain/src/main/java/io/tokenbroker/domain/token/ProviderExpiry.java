package io.tokenbroker.domain.token;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * The expiry fields exactly as a provider returned them, before anyone guessed their unit.
 *
 * @param expiresIn   {@code expires_in} as text: a duration in seconds, or (some providers) an epoch in seconds
 *                    or milliseconds; a JSON number or a numeric string
 * @param expiresAt   {@code expires_at} as text: an ISO-8601 instant or an epoch in seconds or milliseconds
 * @param accessToken the token itself, consulted for a JWT {@code exp} when both fields are absent
 */
public record ProviderExpiry(Optional<String> expiresIn, Optional<String> expiresAt, String accessToken) {

    public ProviderExpiry {
        // An empty or blank value stays present: the provider sent it, and it must be refused rather than taken for
        // a missing field (which would quietly grant the default lifetime).
        expiresIn = expiresIn.map(String::strip);
        expiresAt = expiresAt.map(String::strip);
    }

    /** Takes the raw JSON values (numbers, strings or null) as a JSON parser hands them over. */
    public static ProviderExpiry of(Object expiresIn, Object expiresAt, String accessToken) {
        return new ProviderExpiry(text(expiresIn), text(expiresAt), accessToken);
    }

    private static Optional<String> text(Object raw) {
        if (raw instanceof BigDecimal decimal) {
            // Plain digits so 1.7E+9 reads as an epoch; but an absurd exponent keeps its short scientific form
            // (refused cheaply later), as toPlainString() would write out every one of its digits.
            return Optional.of(Math.abs((long) decimal.scale()) <= 64 ? decimal.toPlainString() : decimal.toString());
        }
        return Optional.ofNullable(raw).map(String::valueOf);
    }
}
