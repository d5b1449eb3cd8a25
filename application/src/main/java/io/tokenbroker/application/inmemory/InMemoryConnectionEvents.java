package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.domain.connection.ConnectionEvent;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/** Keeps the newest events in a bounded buffer and writes each to the log, where operators' alerting reads it. */
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
        LOG.log(Level.WARNING, "connection event {0} for {1}: {2}", event.type(), event.key(), event.detail());
        synchronized (events) {
            events.addFirst(event);
            while (events.size() > capacity) {
                events.removeLast();
            }
        }
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
