package io.tokenbroker.domain.token;

import io.tokenbroker.domain.connection.Secret;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What one successful call to a token endpoint yielded.
 *
 * @param refreshToken present when the upstream issued or rotated a refresh token; it must be persisted before
 *                     the access token is served, or the tenant can be locked out
 * @param refreshTokenExpiresAt when the upstream said the refresh token stops working, if it said so
 */
public record TokenGrant(AccessToken accessToken, Optional<Secret> refreshToken, Optional<Instant> refreshTokenExpiresAt) {

    public TokenGrant {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(refreshTokenExpiresAt, "refreshTokenExpiresAt");
    }

    public static TokenGrant of(AccessToken accessToken) {
        return new TokenGrant(accessToken, Optional.empty(), Optional.empty());
    }
}
