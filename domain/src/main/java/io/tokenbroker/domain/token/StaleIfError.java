package io.tokenbroker.domain.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a token inside its hard buffer may still be served because the refresh that should have replaced it failed:
 * it has at least {@code minimum} left before it expires (so never an expired one), the caller did not ask for a
 * minimum validity of its own (that caller said what it needs, and a stale token may not have it), and the rule is
 * on ({@code minimum} above zero). A token kept by a store is dropped {@link RefreshPolicy#CLOCK_MARGIN} before its
 * expiry, so a minimum below that margin acts as the margin.
 *
 * @param minimum the least validity left for a stale token to be served; zero turns stale-if-error off
 */
public record StaleIfError(Duration minimum) {

    public static final Duration DEFAULT_MINIMUM = Duration.ofSeconds(10);

    public StaleIfError {
        Objects.requireNonNull(minimum, "minimum");
        if (minimum.isNegative()) {
            throw new IllegalArgumentException("the stale-if-error minimum must not be negative");
        }
    }

    /** Never serves a stale token. */
    public static StaleIfError off() {
        return new StaleIfError(Duration.ZERO);
    }

    /**
     * @param minValidFor what the request asked for; zero when it asked nothing
     */
    public boolean allows(AccessToken token, Instant now, Duration minValidFor) {
        if (minimum.isZero() || !Objects.requireNonNull(minValidFor, "minValidFor").isZero()) {
            return false;
        }
        return !token.expiresAt().minus(minimum).isBefore(now) && token.expiresAt().isAfter(now);
    }
}
