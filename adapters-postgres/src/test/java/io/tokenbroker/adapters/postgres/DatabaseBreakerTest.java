package io.tokenbroker.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.testing.TestClock;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The breaker's recovery hook: run once per outage, when a statement succeeds again, never while it is up. */
class DatabaseBreakerTest {

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final DatabaseBreaker breaker = new DatabaseBreaker(clock, DatabaseBreaker.Settings.defaults());
    private final AtomicInteger renewals = new AtomicInteger();

    @Test
    void thePoolIsRenewedOnceWhenTheDatabaseAnswersAgain() {
        breaker.whenReachableAgain(renewals::incrementAndGet);
        breaker.call("reading", () -> 1);
        assertEquals(0, renewals.get(), "no outage, nothing to renew");

        fail();
        fail();
        assertTrue(breaker.isDown());
        clock.advance(Duration.ofSeconds(3));
        breaker.call("probing", () -> 1);
        breaker.call("reading", () -> 1);

        assertEquals(1, renewals.get());
        assertEquals(false, breaker.isDown());
    }

    @Test
    void aFailingRenewalDoesNotFailTheStatementThatFoundTheDatabase() {
        breaker.whenReachableAgain(() -> {
            throw new IllegalStateException("no pool");
        });
        fail();
        fail();
        clock.advance(Duration.ofSeconds(3));

        assertEquals(7, breaker.call("probing", () -> 7));
    }

    private void fail() {
        assertThrows(StorageUnavailableException.class, () -> breaker.call("writing", () -> {
            throw new IllegalStateException("connection refused", new SQLException("refused", "08001"));
        }));
    }
}
