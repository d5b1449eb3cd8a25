package io.tokenbroker.domain.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RefreshAttemptTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "quickbooks-eu");
    private static final Instant STARTED = Instant.parse("2024-05-01T12:00:00Z");

    private static RefreshAttempt attempt(Instant completedAt, int attempt) {
        return new RefreshAttempt(KEY, Trigger.REQUEST, Outcome.SUCCESS, STARTED, completedAt, attempt,
                OptionalInt.of(200), Optional.empty(), Optional.empty(), 7L);
    }

    @Test
    void keepsItsFields() {
        RefreshAttempt a = new RefreshAttempt(KEY, Trigger.PROACTIVE, Outcome.FAILURE, STARTED,
                STARTED.plusMillis(250), 2, OptionalInt.of(503), Optional.of("upstream_unavailable"),
                Optional.of("token endpoint answered 503"), 42L);
        assertEquals(KEY, a.connection());
        assertEquals(Trigger.PROACTIVE, a.trigger());
        assertEquals(Outcome.FAILURE, a.outcome());
        assertEquals(2, a.attempt());
        assertEquals(OptionalInt.of(503), a.upstreamStatus());
        assertEquals(Optional.of("upstream_unavailable"), a.errorCode());
        assertEquals(42L, a.fence());
    }

    @Test
    void durationIsCompletedMinusStarted() {
        assertEquals(Duration.ofMillis(1234), attempt(STARTED.plusMillis(1234), 1).duration());
    }

    @Test
    void completedAtStartIsAZeroDuration() {
        assertEquals(Duration.ZERO, attempt(STARTED, 1).duration());
    }

    @Test
    void rejectsCompletedBeforeStarted() {
        assertThrows(IllegalArgumentException.class, () -> attempt(STARTED.minusNanos(1), 1));
        assertThrows(IllegalArgumentException.class, () -> attempt(STARTED.minusSeconds(60), 1));
    }

    @ParameterizedTest(name = "attempt {0}")
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void rejectsAttemptBelowOne(int number) {
        assertThrows(IllegalArgumentException.class, () -> attempt(STARTED.plusSeconds(1), number));
    }

    @ParameterizedTest(name = "attempt {0}")
    @ValueSource(ints = {1, 2, Integer.MAX_VALUE})
    void acceptsAttemptFromOne(int number) {
        assertEquals(number, attempt(STARTED.plusSeconds(1), number).attempt());
    }

    @Test
    void rejectsNulls() {
        Instant done = STARTED.plusSeconds(1);
        OptionalInt status = OptionalInt.empty();
        Optional<String> none = Optional.empty();
        assertThrows(NullPointerException.class, () -> new RefreshAttempt(null, Trigger.MANUAL, Outcome.SUCCESS,
                STARTED, done, 1, status, none, none, 0));
        assertThrows(NullPointerException.class, () -> new RefreshAttempt(KEY, null, Outcome.SUCCESS,
                STARTED, done, 1, status, none, none, 0));
        assertThrows(NullPointerException.class, () -> new RefreshAttempt(KEY, Trigger.MANUAL, null,
                STARTED, done, 1, status, none, none, 0));
        assertThrows(NullPointerException.class, () -> new RefreshAttempt(KEY, Trigger.MANUAL, Outcome.SUCCESS,
                null, done, 1, status, none, none, 0));
        assertThrows(NullPointerException.class, () -> new RefreshAttempt(KEY, Trigger.MANUAL, Outcome.SUCCESS,
                STARTED, null, 1, status, none, none, 0));
        assertThrows(NullPointerException.class, () -> new RefreshAttempt(KEY, Trigger.MANUAL, Outcome.SUCCESS,
                STARTED, done, 1, null, none, none, 0));
        assertThrows(NullPointerException.class, () -> new RefreshAttempt(KEY, Trigger.MANUAL, Outcome.SUCCESS,
                STARTED, done, 1, status, null, none, 0));
        assertThrows(NullPointerException.class, () -> new RefreshAttempt(KEY, Trigger.MANUAL, Outcome.SUCCESS,
                STARTED, done, 1, status, none, null, 0));
    }

    @Test
    void everyTriggerIsAccepted() {
        for (Trigger trigger : Trigger.values()) {
            RefreshAttempt a = new RefreshAttempt(KEY, trigger, Outcome.SUCCESS, STARTED, STARTED, 1,
                    OptionalInt.empty(), Optional.empty(), Optional.empty(), 0);
            assertEquals(trigger, a.trigger());
        }
    }
}
