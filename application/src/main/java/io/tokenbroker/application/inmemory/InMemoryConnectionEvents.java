package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.domain.connection.ConnectionEvent;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * Keeps the newest events in a bounded buffer and writes each to the log, where operators' alerting reads it: what
 * needs someone's attention at WARNING, normal traffic (a refreshed token, a recovery) at INFO. The log line carries
 * ids, the type, the expiry and the sanitised detail only.
 */
public final class InMemoryConnectionEvents implements ConnectionEvents {

    private static final System.Logger LOG = System.getLogger(InMemoryConnectionEvents.class.getName());

    private final Deque<ConnectionEvent> events = new ArrayDeque<>();
    private final int capacity;

    public InMemoryConnectionEvents(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    @Override
    public void publish(ConnectionEvent event) {
        if (event.expiresAt().isPresent()) {
            LOG.log(level(event.type()), "connection event {0} for {1}: {2}, expires at {3}", event.type(),
                    event.key(), event.detail(), event.expiresAt().get());
        } else {
            LOG.log(level(event.type()), "connection event {0} for {1}: {2}", event.type(), event.key(),
                    event.detail());
        }
        synchronized (events) {
            events.addFirst(event);
            while (events.size() > capacity) {
                events.removeLast();
            }
        }
    }

    private static Level level(ConnectionEvent.Type type) {
        return switch (type) {
            case TOKEN_REFRESHED, CIRCUIT_CLOSED, REAUTHORIZED, CONNECTED -> Level.INFO;
            case REFRESH_FAILED, CIRCUIT_OPENED, NEEDS_REAUTHORIZATION, NEAR_EXPIRY, TOKEN_EXPIRED,
                 REFRESH_TOKEN_EXPIRING -> Level.WARNING;
        };
    }

    @Override
    public List<ConnectionEvent> recent(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the limit must be at least 1");
        }
        synchronized (events) {
            List<ConnectionEvent> newest = new ArrayList<>(Math.min(limit, events.size()));
            Iterator<ConnectionEvent> it = events.iterator();
            while (it.hasNext() && newest.size() < limit) {
                newest.add(it.next());
            }
            return newest;
        }
    }
}
