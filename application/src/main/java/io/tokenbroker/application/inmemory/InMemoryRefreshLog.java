package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The embedded default's audit trail: the newest {@code capacityPerConnection} attempts per connection, so a
 * connection that fails in a loop cannot grow the heap without bound.
 */
public final class InMemoryRefreshLog implements RefreshLog {

    private final ConcurrentMap<ConnectionKey, Deque<RefreshAttempt>> attempts = new ConcurrentHashMap<>();
    private final int capacityPerConnection;

    public InMemoryRefreshLog(int capacityPerConnection) {
        if (capacityPerConnection < 1) {
            throw new IllegalArgumentException("the capacity must be at least 1");
        }
        this.capacityPerConnection = capacityPerConnection;
    }

    @Override
    public void record(RefreshAttempt attempt) {
        Deque<RefreshAttempt> log = attempts.computeIfAbsent(attempt.connection(), key -> new ArrayDeque<>());
        synchronized (log) {
            log.addFirst(attempt);
            while (log.size() > capacityPerConnection) {
                log.removeLast();
            }
        }
    }

    @Override
    public List<RefreshAttempt> recent(ConnectionKey key, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the limit must be at least 1");
        }
        Deque<RefreshAttempt> log = attempts.get(key);
        if (log == null) {
            return List.of();
        }
        synchronized (log) {
            List<RefreshAttempt> newest = new ArrayList<>(Math.min(limit, log.size()));
            Iterator<RefreshAttempt> it = log.iterator();
            while (it.hasNext() && newest.size() < limit) {
                newest.add(it.next());
            }
            return newest;
        }
    }
}
