package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.port.out.RateLimits;
import io.tokenbroker.domain.apikey.Admission;
import io.tokenbroker.domain.apikey.RateLimit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Fixed windows in this process; windows that ended are dropped as they are met, so idle buckets cost nothing. */
public final class InMemoryRateLimits implements RateLimits {

    private record Window(Instant end, long count) {
    }

    private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();
    private final Clock clock;

    public InMemoryRateLimits(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Admission admit(String bucket, RateLimit limit) {
        Instant now = clock.instant();
        Window window = windows.compute(bucket, (k, current) -> current == null || !now.isBefore(current.end())
                ? new Window(now.plus(limit.window()), 1) : new Window(current.end(), current.count() + 1));
        if (windows.size() > 100_000) {
            windows.values().removeIf(stale -> !now.isBefore(stale.end()));
        }
        Duration reset = Duration.between(now, window.end());
        return new Admission(window.count() <= limit.requests(), limit.requests(),
                Math.max(0, limit.requests() - window.count()), reset);
    }
}
