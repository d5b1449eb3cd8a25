package io.tokenbroker.domain.token;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StaleIfErrorTest {

    private static final Instant ISSUED = Instant.parse("2026-12-03T12:00:00Z");
    private static final AccessToken TOKEN = new AccessToken("at", "Bearer", ISSUED, ISSUED.plusSeconds(300));
    private static final StaleIfError TEN_SECONDS = new StaleIfError(Duration.ofSeconds(10));

    @Test
    void servesATokenWithAtLeastTheMinimumLeft() {
        assertTrue(TEN_SECONDS.allows(TOKEN, ISSUED.plusSeconds(250), Duration.ZERO), "50 s left");
        assertTrue(TEN_SECONDS.allows(TOKEN, ISSUED.plusSeconds(290), Duration.ZERO), "exactly 10 s left");
        assertFalse(TEN_SECONDS.allows(TOKEN, ISSUED.plusSeconds(290).plusNanos(1), Duration.ZERO));
    }

    @Test
    void neverAnExpiredToken() {
        StaleIfError tiny = new StaleIfError(Duration.ofNanos(1));
        assertFalse(tiny.allows(TOKEN, ISSUED.plusSeconds(300), Duration.ZERO));
        assertFalse(tiny.allows(TOKEN, ISSUED.plusSeconds(301), Duration.ZERO));
    }

    @Test
    void neverForARequestThatAskedForAMinimumValidity() {
        assertFalse(TEN_SECONDS.allows(TOKEN, ISSUED.plusSeconds(250), Duration.ofSeconds(1)));
    }

    @Test
    void offWhenTheMinimumIsZero() {
        assertFalse(StaleIfError.off().allows(TOKEN, ISSUED.plusSeconds(250), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new StaleIfError(Duration.ofSeconds(-1)));
    }
}
