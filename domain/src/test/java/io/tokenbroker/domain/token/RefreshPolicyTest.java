package io.tokenbroker.domain.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RefreshPolicyTest {

    private static final Instant ISSUED = Instant.parse("2024-05-01T12:00:00Z");
    private static final RefreshPolicy DEFAULTS = RefreshPolicy.defaults();

    private static AccessToken token(Duration lifetime) {
        return new AccessToken("tok", "Bearer", ISSUED, ISSUED.plus(lifetime));
    }

    private static final AccessToken HOUR = token(Duration.ofHours(1));
    private static final Instant HOUR_SERVE_UNTIL = ISSUED.plusSeconds(3600 - 60);

    @Nested
    @DisplayName("defaults")
    class Defaults {

        @Test
        @DisplayName("hard buffer is 60 s")
        void hardBuffer() {
            assertEquals(Duration.ofSeconds(60), RefreshPolicy.DEFAULT_HARD_BUFFER);
            assertEquals(Duration.ofSeconds(60), DEFAULTS.hardBuffer());
        }

        @Test
        @DisplayName("refresh-ahead ratio is 0.8")
        void ratio() {
            assertEquals(0.8, RefreshPolicy.DEFAULT_REFRESH_AHEAD_RATIO);
            assertEquals(0.8, DEFAULTS.refreshAheadRatio());
        }
    }

    @Nested
    @DisplayName("isServable: strictly before expiresAt - buffer")
    class Servable {

        @Test
        @DisplayName("serveUntil is expiresAt minus 60 s for a one-hour token")
        void serveUntil() {
            assertEquals(HOUR_SERVE_UNTIL, DEFAULTS.serveUntil(HOUR));
            assertEquals(Duration.ofSeconds(60), DEFAULTS.bufferFor(HOUR));
        }

        @Test
        @DisplayName("servable right after issue")
        void atIssue() {
            assertTrue(DEFAULTS.isServable(HOUR, ISSUED));
        }

        @Test
        @DisplayName("servable 1 ns before the buffer")
        void oneNanoBefore() {
            assertTrue(DEFAULTS.isServable(HOUR, HOUR_SERVE_UNTIL.minusNanos(1)));
        }

        @Test
        @DisplayName("not servable exactly at the buffer")
        void exactlyAtBuffer() {
            assertFalse(DEFAULTS.isServable(HOUR, HOUR_SERVE_UNTIL));
        }

        @Test
        @DisplayName("not servable after the buffer")
        void afterBuffer() {
            assertFalse(DEFAULTS.isServable(HOUR, HOUR_SERVE_UNTIL.plusNanos(1)));
            assertFalse(DEFAULTS.isServable(HOUR, HOUR.expiresAt()));
            assertFalse(DEFAULTS.isServable(HOUR, HOUR.expiresAt().plusSeconds(3600)));
        }

        @Test
        @DisplayName("a zero buffer serves until 1 ns before expiry")
        void zeroBuffer() {
            RefreshPolicy policy = new RefreshPolicy(Duration.ZERO, 0.8);
            assertTrue(policy.isServable(HOUR, HOUR.expiresAt().minusNanos(1)));
            assertFalse(policy.isServable(HOUR, HOUR.expiresAt()));
        }
    }

    @Nested
    @DisplayName("short tokens: lifetime < 2 x buffer")
    class ShortTokens {

        private final AccessToken hundredSeconds = token(Duration.ofSeconds(100));

        @Test
        @DisplayName("use half the lifetime as buffer")
        void halfLifetimeBuffer() {
            assertEquals(Duration.ofSeconds(50), DEFAULTS.bufferFor(hundredSeconds));
            assertEquals(ISSUED.plusSeconds(50), DEFAULTS.serveUntil(hundredSeconds));
        }

        @Test
        @DisplayName("the same serve-until from the instants alone, as a schedule keeps them")
        void fromInstants() {
            assertEquals(ISSUED.plusSeconds(50), DEFAULTS.serveUntil(ISSUED, ISSUED.plusSeconds(100)));
            assertEquals(HOUR_SERVE_UNTIL, DEFAULTS.serveUntil(HOUR.issuedAt(), HOUR.expiresAt()));
            assertThrows(IllegalArgumentException.class, () -> DEFAULTS.serveUntil(ISSUED, ISSUED));
        }

        @Test
        @DisplayName("are servable in their first half")
        void servableInFirstHalf() {
            assertTrue(DEFAULTS.isServable(hundredSeconds, ISSUED));
            assertTrue(DEFAULTS.isServable(hundredSeconds, ISSUED.plusSeconds(50).minusNanos(1)));
        }

        @Test
        @DisplayName("are not servable from half their lifetime on")
        void notServableInSecondHalf() {
            assertFalse(DEFAULTS.isServable(hundredSeconds, ISSUED.plusSeconds(50)));
            assertFalse(DEFAULTS.isServable(hundredSeconds, ISSUED.plusSeconds(99)));
        }

        @Test
        @DisplayName("a one-second token is still servable for half a second")
        void oneSecondToken() {
            AccessToken oneSecond = token(Duration.ofSeconds(1));
            assertEquals(Duration.ofMillis(500), DEFAULTS.bufferFor(oneSecond));
            assertTrue(DEFAULTS.isServable(oneSecond, ISSUED.plusMillis(499)));
            assertFalse(DEFAULTS.isServable(oneSecond, ISSUED.plusMillis(500)));
        }

        @Test
        @DisplayName("exactly 2 x buffer keeps the full hard buffer")
        void exactlyTwiceTheBuffer() {
            AccessToken twoMinutes = token(Duration.ofSeconds(120));
            assertEquals(Duration.ofSeconds(60), DEFAULTS.bufferFor(twoMinutes));
        }

        @Test
        @DisplayName("just over 2 x buffer keeps the full hard buffer")
        void justOverTwiceTheBuffer() {
            assertEquals(Duration.ofSeconds(60), DEFAULTS.bufferFor(token(Duration.ofSeconds(121))));
        }

        @Test
        @DisplayName("just under 2 x buffer uses half the lifetime")
        void justUnderTwiceTheBuffer() {
            assertEquals(Duration.ofMillis(59_500), DEFAULTS.bufferFor(token(Duration.ofSeconds(119))));
        }
    }

    static Stream<Arguments> lifetimesAndRatios() {
        return Stream.of(1L, 2L, 10L, 60L, 100L, 119L, 120L, 121L, 299L, 300L, 301L, 3600L, 86_400L)
                .flatMap(seconds -> Stream.of(0.01, 0.5, 0.8, 0.95, 0.99, 1.0)
                        .map(ratio -> Arguments.of(seconds, ratio)));
    }

    @Nested
    @DisplayName("refreshAheadAt")
    class RefreshAhead {

        @Test
        @DisplayName("is at 80 % of the servable window by default: 0.8 x 3540 s for an hour")
        void eightyPercent() {
            assertEquals(ISSUED.plusSeconds(2832), DEFAULTS.refreshAheadAt(HOUR));
        }

        @Test
        @DisplayName("follows a configured ratio")
        void configuredRatio() {
            assertEquals(ISSUED.plusSeconds(1770), new RefreshPolicy(Duration.ofSeconds(60), 0.5).refreshAheadAt(HOUR));
        }

        @Test
        @DisplayName("is serveUntil itself with a ratio of 1")
        void ratioOneIsServeUntil() {
            RefreshPolicy late = new RefreshPolicy(Duration.ofSeconds(60), 1.0);
            assertEquals(HOUR_SERVE_UNTIL, late.refreshAheadAt(HOUR));
        }

        @Test
        @DisplayName("leaves short tokens time to be renewed: 80 % of the 50 s serve window of a 100 s token")
        void shortTokensAreRenewedBeforeTheyStopBeingServed() {
            AccessToken hundredSeconds = token(Duration.ofSeconds(100));
            assertEquals(ISSUED.plusSeconds(40), DEFAULTS.refreshAheadAt(hundredSeconds));
        }

        @ParameterizedTest(name = "lifetime {0} s")
        @ValueSource(longs = {2, 10, 30, 60, 120, 299, 300, 301, 3600, 86_400})
        @DisplayName("with the defaults, lies strictly before serveUntil whatever the lifetime")
        void strictlyBeforeServeUntil(long seconds) {
            AccessToken t = token(Duration.ofSeconds(seconds));
            assertTrue(DEFAULTS.refreshAheadAt(t).isBefore(DEFAULTS.serveUntil(t)));
        }

        @ParameterizedTest(name = "lifetime {0} s, ratio {1}")
        @MethodSource("io.tokenbroker.domain.token.RefreshPolicyTest#lifetimesAndRatios")
        @DisplayName("is never after serveUntil and never before issue")
        void neverAfterServeUntil(long seconds, double ratio) {
            RefreshPolicy policy = new RefreshPolicy(Duration.ofSeconds(60), ratio);
            AccessToken t = token(Duration.ofSeconds(seconds));
            Instant ahead = policy.refreshAheadAt(t);
            assertFalse(ahead.isAfter(policy.serveUntil(t)), "after serveUntil");
            assertFalse(ahead.isBefore(t.issuedAt()), "before issue");
        }

        @Test
        @DisplayName("isDueForRefresh flips exactly at refreshAheadAt")
        void dueForRefresh() {
            Instant at = DEFAULTS.refreshAheadAt(HOUR);
            assertFalse(DEFAULTS.isDueForRefresh(HOUR, ISSUED));
            assertFalse(DEFAULTS.isDueForRefresh(HOUR, at.minusNanos(1)));
            assertTrue(DEFAULTS.isDueForRefresh(HOUR, at));
            assertTrue(DEFAULTS.isDueForRefresh(HOUR, HOUR.expiresAt().plusSeconds(1)));
        }

        @Test
        @DisplayName("a token is freshly renewed for the first half of its way to refreshAheadAt, not up to it")
        void freshlyRenewed() {
            AccessToken twenty = token(Duration.ofSeconds(20));
            assertTrue(DEFAULTS.isFreshlyRenewed(twenty, ISSUED));
            assertTrue(DEFAULTS.isFreshlyRenewed(twenty, ISSUED.plusMillis(3999)));
            assertFalse(DEFAULTS.isFreshlyRenewed(twenty, ISSUED.plusSeconds(4)), "half of the 8 s to its point");
            assertFalse(DEFAULTS.isFreshlyRenewed(twenty, DEFAULTS.refreshAheadAt(twenty).minusMillis(100)),
                    "a refresh that starts a little before the point renews the token it was scheduled for");
            assertFalse(DEFAULTS.isDueForRefresh(twenty, DEFAULTS.refreshAheadAt(twenty).minusMillis(100)));
        }

        @Test
        @DisplayName("a token due for refresh is still servable until serveUntil")
        void dueButServable() {
            Instant at = DEFAULTS.refreshAheadAt(HOUR);
            assertTrue(DEFAULTS.isDueForRefresh(HOUR, at));
            assertTrue(DEFAULTS.isServable(HOUR, at));
        }
    }

    @Nested
    @DisplayName("cacheTtl")
    class CacheTtl {

        @Test
        @DisplayName("is the time left until serveUntil at issue")
        void atIssue() {
            assertEquals(Duration.ofSeconds(3540), DEFAULTS.cacheTtl(HOUR, ISSUED));
        }

        @Test
        @DisplayName("is positive 1 ns before serveUntil")
        void positiveBefore() {
            assertEquals(Duration.ofNanos(1), DEFAULTS.cacheTtl(HOUR, HOUR_SERVE_UNTIL.minusNanos(1)));
        }

        @Test
        @DisplayName("is ZERO exactly at serveUntil")
        void zeroAt() {
            assertEquals(Duration.ZERO, DEFAULTS.cacheTtl(HOUR, HOUR_SERVE_UNTIL));
        }

        @Test
        @DisplayName("is ZERO after serveUntil, never negative")
        void zeroAfter() {
            assertEquals(Duration.ZERO, DEFAULTS.cacheTtl(HOUR, HOUR_SERVE_UNTIL.plusNanos(1)));
            assertEquals(Duration.ZERO, DEFAULTS.cacheTtl(HOUR, HOUR.expiresAt()));
            assertEquals(Duration.ZERO, DEFAULTS.cacheTtl(HOUR, HOUR.expiresAt().plus(Duration.ofDays(1))));
        }

        @Test
        @DisplayName("for a short token it covers only the first half")
        void shortToken() {
            assertEquals(Duration.ofSeconds(50), DEFAULTS.cacheTtl(token(Duration.ofSeconds(100)), ISSUED));
        }

        @Test
        @DisplayName("is positive exactly when the token is servable")
        void agreesWithIsServable() {
            for (long offset = 3530; offset <= 3550; offset++) {
                Instant now = ISSUED.plusSeconds(offset);
                assertEquals(DEFAULTS.isServable(HOUR, now), !DEFAULTS.cacheTtl(HOUR, now).isZero(), "at " + offset);
            }
        }
    }

    @Nested
    @DisplayName("invalid constructor arguments")
    class InvalidArguments {

        @Test
        void negativeBuffer() {
            assertThrows(IllegalArgumentException.class, () -> new RefreshPolicy(Duration.ofSeconds(-1), 0.8));
            assertThrows(IllegalArgumentException.class, () -> new RefreshPolicy(Duration.ofNanos(-1), 0.8));
        }

        @Test
        void nullBuffer() {
            assertThrows(NullPointerException.class, () -> new RefreshPolicy(null, 0.8));
        }

        @ParameterizedTest(name = "ratio {0}")
        @ValueSource(doubles = {0.0, -0.0, -0.5, 1.0000001, 1.5, 2.0, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY})
        void ratioOutsideZeroExclusiveToOneInclusive(double ratio) {
            assertThrows(IllegalArgumentException.class, () -> new RefreshPolicy(Duration.ofSeconds(60), ratio));
        }

        @Test
        void ratioZero() {
            assertThrows(IllegalArgumentException.class, () -> new RefreshPolicy(Duration.ofSeconds(60), 0));
        }

        @Test
        void ratioOnePointFive() {
            assertThrows(IllegalArgumentException.class, () -> new RefreshPolicy(Duration.ofSeconds(60), 1.5));
        }

        @Test
        void ratioNaN() {
            assertThrows(IllegalArgumentException.class,
                    () -> new RefreshPolicy(Duration.ofSeconds(60), Double.NaN));
        }

        @ParameterizedTest(name = "ratio {0}")
        @ValueSource(doubles = {Double.MIN_VALUE, 0.01, 0.5, 0.999, 1.0})
        void acceptedRatios(double ratio) {
            assertEquals(ratio, new RefreshPolicy(Duration.ofSeconds(60), ratio).refreshAheadRatio());
        }

        @Test
        void zeroBufferIsAllowed() {
            assertEquals(Duration.ZERO, new RefreshPolicy(Duration.ZERO, 0.8).hardBuffer());
        }
    }
}
