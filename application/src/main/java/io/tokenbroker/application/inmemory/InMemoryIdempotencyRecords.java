package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.port.out.IdempotencyRecords;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Idempotency records of one process, expiring by the injected clock. */
public final class InMemoryIdempotencyRecords implements IdempotencyRecords {

    private record Held(Entry entry, Instant until) {
    }

    private final ConcurrentMap<String, Held> records = new ConcurrentHashMap<>();
    private final Clock clock;

    public InMemoryIdempotencyRecords(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Optional<Entry> claim(String key, String requestFingerprint, Duration ttl) {
        Instant now = clock.instant();
        Held[] existing = {null};
        records.compute(key, (k, held) -> {
            if (held != null && now.isBefore(held.until())) {
                existing[0] = held;
                return held;
            }
            return new Held(new Entry(requestFingerprint, Optional.empty()), now.plus(ttl));
        });
        if (records.size() > 100_000) {
            records.values().removeIf(held -> !now.isBefore(held.until()));
        }
        return Optional.ofNullable(existing[0]).map(Held::entry);
    }

    @Override
    public void complete(String key, String requestFingerprint, StoredResponse response, Duration ttl) {
        records.put(key, new Held(new Entry(requestFingerprint, Optional.of(response)), clock.instant().plus(ttl)));
    }

    @Override
    public void release(String key) {
        records.remove(key);
    }
}
