package io.tokenbroker.application.service;

import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The one guard the services put around {@link ConnectionEvents#publish}: the port must not fail its caller, and a
 * publisher that does anyway must not turn a served token (or a scheduler worker) into an error.
 */
final class EventPublishing {

    private static final System.Logger LOG = System.getLogger(EventPublishing.class.getName());

    private EventPublishing() {
    }

    /** Publishes {@code event}; a publisher that throws is logged (its exception class only) and otherwise ignored. */
    static void publish(ConnectionEvents events, ConnectionEvent event) {
        try {
            events.publish(event);
        } catch (RuntimeException publisherBroke) {
            // A broken contract, so an error; the message could name a webhook URL with credentials in it.
            LOG.log(Level.ERROR, "could not publish a {0} event for {1} ({2})", event.type(), event.key(),
                    publisherBroke.getClass().getSimpleName());
        }
    }

    /** Publishes an event about {@code key} stamped now. */
    static void publish(ConnectionEvents events, Clock clock, ConnectionKey key, ConnectionEvent.Type type,
                        String detail, Optional<Instant> expiresAt) {
        publish(events, new ConnectionEvent(key, type, clock.instant(), detail, expiresAt));
    }
}
