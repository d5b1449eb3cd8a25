package io.tokenbroker.application.testing;

import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.TokenGrant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Builds {@link AccessToken}s for tests: issued now by the given clock, living for the given lifetime. */
public final class TokenTestData {

    public static final String BEARER = "Bearer";

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private TokenTestData() {
    }

    /** A bearer token with a value no other call of this method returned ("test-token-n"). */
    public static AccessToken aToken(Clock clock, Duration lifetime) {
        return aToken("test-token-" + SEQUENCE.incrementAndGet(), clock, lifetime);
    }

    /** A bearer token with this value, issued at the clock's now. */
    public static AccessToken aToken(String value, Clock clock, Duration lifetime) {
        return aToken(value, clock.instant(), lifetime);
    }

    /** A bearer token with this value, issued at {@code issuedAt}. */
    public static AccessToken aToken(String value, Instant issuedAt, Duration lifetime) {
        return new AccessToken(value, BEARER, issuedAt, issuedAt.plus(lifetime));
    }

    /** A grant of just an access token, as a client credentials grant yields. */
    public static TokenGrant aGrant(AccessToken token) {
        return TokenGrant.of(token);
    }
}
