package io.tokenbroker.domain.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.domain.connection.ReconnectWarning.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReconnectWarningTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final ReconnectWarning WARNING = new ReconnectWarning(Duration.ofDays(14));

    @Test
    void aFailedKeepAliveCountsOnlyInsideTheWindow() {
        assertEquals(Optional.of(Reason.REFRESH_FAILED), WARNING.afterFailure(NOW.plus(Duration.ofDays(14)), NOW));
        assertEquals(Optional.empty(), WARNING.afterFailure(NOW.plus(Duration.ofDays(14)).plusSeconds(1), NOW));
    }

    @Test
    void aRefreshThatLeftTheExpiryWhereItWasIsAHardCapWhateverTheProvidersRoundingDid() {
        Instant capped = NOW.plus(Duration.ofDays(10));
        assertEquals(Optional.of(Reason.HARD_CAP), WARNING.afterRefresh(capped, capped.plusSeconds(2), NOW));
        assertEquals(Optional.of(Reason.HARD_CAP), WARNING.afterRefresh(capped, capped.minusSeconds(1), NOW));
        assertEquals(Optional.empty(), WARNING.afterRefresh(capped, NOW.plus(Duration.ofDays(100)), NOW),
                "extended: renewed as planned");
        assertEquals(Optional.empty(), WARNING.afterRefresh(capped, capped.plus(Duration.ofHours(1)), NOW),
                "a short rolling refresh token moved by the time since its last refresh");
        Instant far = NOW.plus(Duration.ofDays(300));
        assertEquals(Optional.empty(), WARNING.afterRefresh(far, far, NOW), "capped, but not yet within the window");
    }

    @Test
    void theProbeIsTheWindowBeforeTheExpiryUnlessTheTokenLivesNoLongerThanTheWindow() {
        Instant expiry = NOW.plus(Duration.ofDays(100));
        assertEquals(Optional.of(expiry.minus(Duration.ofDays(14))), WARNING.probeAt(expiry, NOW));
        assertEquals(Optional.empty(), WARNING.probeAt(expiry, expiry.minus(Duration.ofDays(14))));
        assertEquals(Optional.empty(), WARNING.probeAt(NOW.plus(Duration.ofDays(7)), NOW));
        assertEquals(Optional.empty(), ReconnectWarning.NONE.probeAt(expiry, NOW));
    }

    @Test
    void aWarningCoversItsGrantUntilTheExpiryMovesPastTheWindow() {
        Instant expiry = NOW.plus(Duration.ofDays(10));
        assertFalse(WARNING.covers(Optional.empty(), expiry));
        assertTrue(WARNING.covers(Optional.of(expiry), expiry));
        assertTrue(WARNING.covers(Optional.of(expiry), expiry.plusSeconds(1)), "the same cap, rounded again");
        assertFalse(WARNING.covers(Optional.of(expiry), expiry.plus(Duration.ofDays(100))), "a reconnect re-arms");
    }

    @Test
    void noWindowMeansNoWarningAndANegativeOneIsRefused() {
        assertEquals(Optional.empty(), ReconnectWarning.NONE.afterFailure(NOW, NOW));
        assertEquals(Optional.empty(), ReconnectWarning.NONE.afterRefresh(NOW, NOW, NOW));
        assertThrows(IllegalArgumentException.class, () -> new ReconnectWarning(Duration.ofDays(-1)));
        assertEquals("hard_cap", Reason.HARD_CAP.wireName());
    }
}
