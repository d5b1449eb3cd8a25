package io.tokenbroker.bootstrap.demo.sandbox;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import java.util.List;

/** The bodies the sandbox reads and writes, in the providers' snake_case; absent members are left out. */
final class SandboxJson {

    private SandboxJson() {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record OAuth2Token(String accessToken, String tokenType, long expiresIn, @Nullable String refreshToken,
                       @Nullable String scope) {
    }

    /** QPay's answer; its expiries are epochs on one endpoint and durations on the other. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    record QPayToken(String tokenType, String accessToken, long expiresIn, String refreshToken,
                     long refreshExpiresIn, @Nullable String scope) {
    }

    @Serdeable
    record InternalToken(String token) {
    }

    @Serdeable
    record ErrorBody(String error) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record Stats(long tokenRequests, long faultResponses, long refreshRejected) {
    }

    /** {@code POST /fault}: status 0 ends a fault; numbers are read as given and checked by the endpoint. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    record FaultSwitch(@Nullable Long status, @Nullable Long seconds, @Nullable Long retryAfter) {
    }

    @Serdeable
    record FaultSet(long status, long seconds) {
    }

    @Serdeable
    record Delay(@Nullable Long millis) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record MintedRefreshToken(String refreshToken) {
    }

    /** {@code GET /refresh-tokens}: epoch milliseconds; {@code redeemed_at} -1 while the token was never redeemed. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    record RefreshTokens(long reuseGraceMs, List<RefreshTokenLedger.Entry> tokens) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record HoldSwitch(@Nullable Boolean held) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record ReuseGrace(@Nullable Long seconds) {
    }
}
