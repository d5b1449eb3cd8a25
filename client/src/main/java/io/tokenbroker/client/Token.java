package io.tokenbroker.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An access token the broker handed out.
 *
 * @param value     the token itself; never in {@link #toString()}
 * @param tokenType as the provider named it, usually {@code Bearer}
 * @param expiresAt when the provider says it stops working
 */
public record Token(String value, String tokenType, Instant expiresAt) {

    public Token {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(tokenType, "tokenType");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (value.isBlank()) {
            throw new IllegalArgumentException("a token value must not be blank");
        }
    }

    /** Whether the token still has at least {@code wanted} left at {@code now}. */
    public boolean validFor(Duration wanted, Instant now) {
        return !now.plus(wanted).isAfter(expiresAt);
    }

    /** The value of an {@code Authorization} header that carries this token. */
    public String authorization() {
        return "Bearer " + value;
    }

    @Override
    public String toString() {
        return "Token[tokenType=" + tokenType + ", value=***, expiresAt=" + expiresAt + "]";
    }
}
