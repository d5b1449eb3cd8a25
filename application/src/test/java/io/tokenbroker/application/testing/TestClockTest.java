package io.tokenbroker.application.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TestClockTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void standsStillUntilMoved() {
        TestClock clock = TestClock.at(T0);

        assertEquals(T0, clock.instant());
        assertEquals(T0.toEpochMilli(), clock.millis());
        assertEquals(ZoneOffset.UTC, clock.getZone());

        clock.advance(Duration.ofSeconds(90));
        assertEquals(T0.plusSeconds(90), clock.instant());

        clock.set(T0.minusSeconds(5));
        assertEquals(T0.minusSeconds(5), clock.instant());
    }

    @Test
    void refusesToRunBackwardsThroughAdvance() {
        assertThrows(IllegalArgumentException.class, () -> TestClock.at(T0).advance(Duration.ofSeconds(-1)));
    }

    @Test
    void aZonedViewFollowsTheSameTime() {
        TestClock clock = TestClock.at(T0);
        Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));

        clock.advance(Duration.ofMinutes(1));

        assertEquals(clock.instant(), paris.instant());
        assertEquals(ZoneId.of("Europe/Paris"), paris.getZone());
    }
}
