package io.tokenbroker.application.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.port.out.Reauthorisations.Needed;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link Reauthorisations} adapter must do. */
public abstract class ReauthorisationsContract {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "quickbooks");
    private static final Instant SINCE = Instant.parse("2030-01-01T00:00:00Z");

    private Reauthorisations reauthorisations;

    /** An adapter over empty storage. */
    protected abstract Reauthorisations newReauthorisations();

    @BeforeEach
    void create() {
        reauthorisations = newReauthorisations();
    }

    @Test
    void anUnmarkedConnectionIsNotFound() {
        assertTrue(reauthorisations.find(KEY).isEmpty());
    }

    @Test
    void aMarkIsFoundUntilCleared() {
        Needed needed = new Needed(KEY, SINCE, "invalid_grant");
        reauthorisations.mark(needed);

        assertEquals(Optional.of(needed), reauthorisations.find(KEY));
        reauthorisations.clear(KEY);
        assertTrue(reauthorisations.find(KEY).isEmpty());
    }

    @Test
    void marksAreKeptPerConnection() {
        reauthorisations.mark(new Needed(KEY, SINCE, "invalid_grant"));

        assertTrue(reauthorisations.find(ConnectionKey.of("other", "quickbooks")).isEmpty());
    }

    @Test
    void clearingAnUnmarkedConnectionDoesNothing() {
        reauthorisations.clear(KEY);

        assertTrue(reauthorisations.find(KEY).isEmpty());
    }

    @Test
    void aLaterMarkReplacesTheEarlierOne() {
        reauthorisations.mark(new Needed(KEY, SINCE, "invalid_grant"));
        Needed later = new Needed(KEY, SINCE.plusSeconds(60), "invalid_grant");
        reauthorisations.mark(later);

        assertEquals(Optional.of(later), reauthorisations.find(KEY));
    }
}
