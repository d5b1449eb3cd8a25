package io.tokenbroker.application.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ConnectionEvents} adapter must do. */
public abstract class ConnectionEventsContract {

    private static final Instant AT = Instant.parse("2030-01-01T00:00:00Z");

    private ConnectionEvents events;

    /** An adapter with no events yet. */
    protected abstract ConnectionEvents newEvents();

    @BeforeEach
    void create() {
        events = newEvents();
    }

    private static ConnectionEvent event(int second) {
        return new ConnectionEvent(ConnectionKey.of("acme", "crm"), ConnectionEvent.Type.NEEDS_REAUTHORIZATION,
                AT.plusSeconds(second), "invalid_grant");
    }

    @Test
    void nothingPublishedIsNothingRecent() {
        assertTrue(events.recent(10).isEmpty());
    }

    @Test
    void recentIsNewestFirstAndLimited() {
        events.publish(event(1));
        events.publish(event(2));
        events.publish(event(3));

        assertEquals(List.of(event(3), event(2)), events.recent(2));
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> events.recent(0));
    }
}
