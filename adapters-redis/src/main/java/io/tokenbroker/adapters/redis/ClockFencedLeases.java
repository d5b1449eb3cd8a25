package io.tokenbroker.adapters.redis;

import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link RedisLockManager} grants while Redis is down when nothing shared is to be had: at once, since the
 * in-process lease it is asked under already excludes this process's other callers, with a fence from the local
 * clock in Redis's microsecond space ({@code max(last + 1, now)}), so that writes stay above the fences Redis issued.
 * Only valid as {@code whenDown} of a {@link RedisLockManager}: alone it excludes nobody.
 */
public final class ClockFencedLeases implements LockManager {

    private final Clock clock;
    private final AtomicLong last = new AtomicLong();

    public ClockFencedLeases(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Optional<Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait) {
        Instant now = clock.instant();
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        return Optional.of(new Granted(key, last.updateAndGet(previous -> Math.max(previous + 1, micros))));
    }

    private record Granted(ConnectionKey key, long fence) implements Lease {

        @Override
        public void close() {
            // Nothing is held besides the in-process lease, which the caller closes.
        }
    }
}
