package io.tokenbroker.domain.token;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds for {@link TokenLifetime#normalise}.
 *
 * @param defaultLifetime assumed when the provider says nothing and the token is no JWT with {@code exp}
 * @param maxLifetime     anything further ahead is taken for a unit mix-up and refused
 */
public record ExpiryRules(Duration defaultLifetime, Duration maxLifetime) {

    /** 3300 s by default: under the hour most providers grant, so a silent provider is asked again in time. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(3300);
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofDays(366);

    public ExpiryRules {
        Objects.requireNonNull(defaultLifetime, "defaultLifetime");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        if (defaultLifetime.isNegative() || defaultLifetime.isZero()) {
            throw new IllegalArgumentException("the default lifetime must be positive");
        }
        if (maxLifetime.compareTo(defaultLifetime) < 0) {
            throw new IllegalArgumentException("the maximum lifetime must not be shorter than the default");
        }
    }

    public static ExpiryRules defaults() {
        return new ExpiryRules(DEFAULT_LIFETIME, DEFAULT_MAX_LIFETIME);
    }
}
