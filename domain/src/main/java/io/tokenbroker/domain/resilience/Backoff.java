package io.tokenbroker.domain.resilience;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the wait before retry {@code n} is drawn uniformly from
 * {@code [0, min(cap, base * 2^(n-1))]}. Full jitter spreads the retries of many callers that failed together,
 * which a fixed or merely "equal" jitter does not.
 */
public final class Backoff {

    private final Duration base;
    private final Duration cap;
    private final RandomGenerator random;

    public Backoff(Duration base, Duration cap, RandomGenerator random) {
        this.base = Objects.requireNonNull(base, "base");
        this.cap = Objects.requireNonNull(cap, "cap");
        this.random = Objects.requireNonNull(random, "random");
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("the base delay must be positive");
        }
        if (cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("the cap must not be shorter than the base delay");
        }
    }

    /** The largest wait retry {@code retry} may draw: the exponential ceiling, capped. */
    public Duration ceiling(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retries count from 1");
        }
        int doublings = retry - 1;
        // 2^62 of even one nanosecond overflows nothing yet; beyond that, or on overflow, the cap rules anyway.
        if (doublings >= 62) {
            return cap;
        }
        long capNanos = cap.toNanos();
        long baseNanos = base.toNanos();
        long factor = 1L << doublings;
        if (baseNanos > capNanos / factor) {
            return cap;
        }
        return Duration.ofNanos(baseNanos * factor);
    }

    /** A random wait before retry {@code retry} (counting from 1), never longer than {@link #ceiling}. */
    public Duration delayBefore(int retry) {
        long ceilingNanos = ceiling(retry).toNanos();
        return Duration.ofNanos(random.nextLong(ceilingNanos + 1));
    }
}
