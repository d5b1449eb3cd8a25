package io.tokenbroker.adapters.http.inbound;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.tokenbroker.domain.token.AccessToken;
import java.time.Duration;
import java.time.Instant;

/**
 * The token as a caller uses it.
 *
 * @param expiresIn whole seconds left until {@code expires_at}, as of the response
 */
@Serdeable
public record TokenResponse(
        @JsonProperty("access_token") String accessToken,
        @JsonProperty("token_type") String tokenType,
        @JsonProperty("expires_at") String expiresAt,
        @JsonProperty("expires_in") long expiresIn) {

    static TokenResponse of(AccessToken token, Instant now) {
        long secondsLeft = Math.max(0, Duration.between(now, token.expiresAt()).getSeconds());
        return new TokenResponse(token.value(), token.tokenType(), token.expiresAt().toString(), secondsLeft);
    }

    @Override
    public String toString() {
        return "TokenResponse[" + tokenType + ", expiresAt=" + expiresAt + "]";
    }
}
