package io.tokenbroker.application.inmemory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.contract.ConnectAttemptsContract;
import io.tokenbroker.application.port.out.ConnectAttempts;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.connect.ConnectLink;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InMemoryConnectAttemptsTest extends ConnectAttemptsContract {

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));

    @Override
    protected ConnectAttempts newAttempts() {
        return new InMemoryConnectAttempts(100, clock);
    }

    @Override
    protected Instant now() {
        return clock.instant();
    }

    private ConnectLink link() {
        return new ConnectLink(ConnectionKey.of("acme", "books"), Optional.empty(), List.of(),
                clock.instant().plus(Duration.ofMinutes(30)), false);
    }

    @Test
    void anExpiredLinkIsKeptForAWhileThenDropped() {
        ConnectAttempts attempts = newAttempts();
        attempts.saveLink("d", link());

        clock.advance(Duration.ofMinutes(30).plus(ConnectAttempts.KEPT_AFTER_EXPIRY).minusSeconds(1));
        assertTrue(attempts.findLink("d").orElseThrow().expiredAt(clock.instant()));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.empty(), attempts.findLink("d"));
        assertInstanceOf(ConnectAttempts.Taken.Unknown.class, attempts.takePending("d"));
    }

    @Test
    void beyondItsCapacityTheOldestEntryGoesFirst() {
        ConnectAttempts attempts = new InMemoryConnectAttempts(2, clock);
        attempts.saveLink("first", link());
        attempts.saveLink("second", link());
        attempts.saveLink("third", link());

        assertEquals(Optional.empty(), attempts.findLink("first"));
        assertTrue(attempts.findLink("third").isPresent());
    }
}
