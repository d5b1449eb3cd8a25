package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.port.out.ConnectAttempts;
import io.tokenbroker.domain.connect.ConnectLink;
import io.tokenbroker.domain.connect.PendingConsent;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Connect links and pending authorizations in process memory, for a single instance. Expired entries are dropped
 * {@link #KEPT_AFTER_EXPIRY} after their expiry; beyond {@code capacity} entries of a kind the oldest goes first, so
 * a flood of opened links cannot grow the heap.
 */
public final class InMemoryConnectAttempts implements ConnectAttempts {

    private record Entry<T>(T value, Instant dropAt, boolean used) {
    }

    private final Map<String, Entry<ConnectLink>> links = new LinkedHashMap<>();
    private final Map<String, Entry<PendingConsent>> pending = new LinkedHashMap<>();
    private final int capacity;
    private final Clock clock;

    public InMemoryConnectAttempts(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the capacity must be at least 1");
        }
        this.capacity = capacity;
        this.clock = clock;
    }

    @Override
    public synchronized void saveLink(String digest, ConnectLink link) {
        put(links, digest, new Entry<>(link, link.expiresAt().plus(KEPT_AFTER_EXPIRY), false));
    }

    @Override
    public synchronized Optional<ConnectLink> findLink(String digest) {
        return live(links, digest).map(entry -> entry.used() ? entry.value().asCompleted() : entry.value());
    }

    @Override
    public synchronized boolean completeLink(String digest) {
        Optional<Entry<ConnectLink>> entry = live(links, digest);
        if (entry.isEmpty() || entry.get().used()) {
            return false;
        }
        links.put(digest, new Entry<>(entry.get().value(), entry.get().dropAt(), true));
        return true;
    }

    @Override
    public synchronized void savePending(String stateDigest, PendingConsent consent) {
        put(pending, stateDigest, new Entry<>(consent, consent.expiresAt().plus(KEPT_AFTER_EXPIRY), false));
    }

    @Override
    public synchronized Taken takePending(String stateDigest) {
        Optional<Entry<PendingConsent>> entry = live(pending, stateDigest);
        if (entry.isEmpty()) {
            return new Taken.Unknown();
        }
        if (entry.get().used()) {
            return new Taken.Again(entry.get().value());
        }
        pending.put(stateDigest, new Entry<>(entry.get().value(), entry.get().dropAt(), true));
        return new Taken.Fresh(entry.get().value());
    }

    private <T> void put(Map<String, Entry<T>> entries, String digest, Entry<T> entry) {
        dropExpired(entries);
        entries.put(digest, entry);
        Iterator<String> oldest = entries.keySet().iterator();
        while (entries.size() > capacity) {
            oldest.next();
            oldest.remove();
        }
    }

    private <T> Optional<Entry<T>> live(Map<String, Entry<T>> entries, String digest) {
        Entry<T> entry = entries.get(digest);
        if (entry == null || !clock.instant().isBefore(entry.dropAt())) {
            entries.remove(digest);
            return Optional.empty();
        }
        return Optional.of(entry);
    }

    private <T> void dropExpired(Map<String, Entry<T>> entries) {
        Instant now = clock.instant();
        entries.values().removeIf(entry -> !now.isBefore(entry.dropAt()));
    }
}
