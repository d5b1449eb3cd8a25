package io.tokenbroker.domain.token;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code expires_at − now ≥ max(buffer, min_valid_for)}. */
class RefreshPolicyMinValidityTest {

    private static final Instant ISSUED = Instant.parse("2024-05-01T12:00:00Z");
    private static final AccessToken HOUR = new AccessToken("tok", "Bearer", ISSUED, ISSUED.plusSeconds(3600));
    private static final RefreshPolicy POLICY = RefreshPolicy.defaults();

    @Test
    void aTokenWithLessLeftThanAskedForIsNotServable() {
        Instant hundredLeft = HOUR.expiresAt().minusSeconds(100);

        assertTrue(POLICY.isServable(HOUR, hundredLeft, Duration.ZERO));
        assertTrue(POLICY.isServable(HOUR, hundredLeft, Duration.ofSeconds(100)), "exactly as long is enough");
        assertFalse(POLICY.isServable(HOUR, hundredLeft, Duration.ofSeconds(101)));
        assertFalse(POLICY.isServable(HOUR, hundredLeft, Duration.ofSeconds(300)));
    }

    @Test
    void theBufferStillAppliesWhenLessIsAskedFor() {
        Instant atTheBuffer = HOUR.expiresAt().minus(RefreshPolicy.DEFAULT_HARD_BUFFER);

        assertFalse(POLICY.isServable(HOUR, atTheBuffer, Duration.ofSeconds(1)));
    }

    @Test
    void onlyALifetimeAtLeastAsLongAsTheWishCanMeetIt() {
        assertTrue(POLICY.canMeet(Duration.ofSeconds(3600), Duration.ofSeconds(3600)));
        assertFalse(POLICY.canMeet(Duration.ofSeconds(3600), Duration.ofSeconds(3601)));
    }

    @Test
    void aNegativeWishIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> POLICY.isServable(HOUR, ISSUED, Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> POLICY.canMeet(Duration.ofHours(1), Duration.ofSeconds(-1)));
    }
}
