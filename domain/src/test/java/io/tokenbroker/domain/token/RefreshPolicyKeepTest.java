package io.tokenbroker.domain.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How long a store keeps a token: to its expiry less the clock margin, never shorter than it is servable. */
class RefreshPolicyKeepTest {

    private static final Instant ISSUED = Instant.parse("2026-12-03T12:00:00Z");
    private final RefreshPolicy policy = RefreshPolicy.defaults();

    private static AccessToken lasting(Duration lifetime) {
        return new AccessToken("at", "Bearer", ISSUED, ISSUED.plus(lifetime));
    }

    @Test
    void aLongTokenIsKeptUntilItsExpiryLessTheClockMarginPastTheBuffer() {
        AccessToken token = lasting(Duration.ofMinutes(5));

        assertEquals(ISSUED.plusSeconds(295), policy.keepUntil(token));
        assertEquals(ISSUED.plusSeconds(240), policy.serveUntil(token));
        assertEquals(Duration.ofSeconds(295), policy.storeTtl(token, ISSUED));
        assertEquals(Duration.ZERO, policy.storeTtl(token, ISSUED.plusSeconds(296)));
    }

    @Test
    void aTokenShorterThanTheMarginIsKeptAsLongAsItIsServable() {
        AccessToken token = lasting(Duration.ofSeconds(6));

        assertEquals(ISSUED.plusSeconds(3), policy.keepUntil(token));
    }
}
