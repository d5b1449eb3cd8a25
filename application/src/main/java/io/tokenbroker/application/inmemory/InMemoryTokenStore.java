package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.AccessToken.Fingerprint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The embedded default's token cache: one process, entries expire by the injected clock. */
public final class InMemoryTokenStore implements TokenStore {

    private record Entry(AccessToken token, Instant evictAt) {
    }

    private final ConcurrentMap<ConnectionKey, Entry> entries = new ConcurrentHashMap<>();
    /** The greatest fence that wrote each key; kept across deletes, one number per connection ever cached. */
    private final ConcurrentMap<ConnectionKey, Long> fences = new ConcurrentHashMap<>();
    private final Clock clock;

    public InMemoryTokenStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<Found> lookupInMemory(ConnectionKey key) {
        return lookup(key);
    }

    @Override
    public Optional<AccessToken> find(ConnectionKey key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(entry.evictAt())) {
            entries.remove(key, entry);
            return Optional.empty();
        }
        return Optional.of(entry.token());
    }

    @Override
    public boolean put(ConnectionKey key, AccessToken token, Duration ttl, long fence) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the ttl must be positive");
        }
        boolean[] stored = {false};
        // The entry is written inside the fence's compute, so a check and its write are one step per key.
        fences.compute(key, (k, highest) -> {
            if (highest != null && fence < highest) {
                return highest;
            }
            entries.put(key, new Entry(token, clock.instant().plus(ttl)));
            stored[0] = true;
            return fence;
        });
        return stored[0];
    }

    @Override
    public boolean deleteIf(ConnectionKey key, Fingerprint fingerprint) {
        boolean[] removed = {false};
        entries.computeIfPresent(key, (k, entry) -> {
            if (entry.token().fingerprint().equals(fingerprint)) {
                removed[0] = true;
                return null;
            }
            return entry;
        });
        return removed[0];
    }

    @Override
    public void delete(ConnectionKey key) {
        entries.remove(key);
    }
}
