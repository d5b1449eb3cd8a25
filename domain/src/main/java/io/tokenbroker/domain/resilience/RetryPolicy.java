package io.tokenbroker.domain.resilience;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * When to try a failed upstream call again: at most {@code maxAttempts} calls, never past {@code maxElapsed} since
 * the first, each retry after a full-jitter backoff or the upstream's own {@code Retry-After}, whichever is longer.
 * The total bound matters as much as the count: callers are waiting, and the refresh lease is finite.
 */
public final class RetryPolicy {

    private final int maxAttempts;
    private final Duration maxElapsed;
    private final Backoff backoff;

    public RetryPolicy(int maxAttempts, Duration maxElapsed, Backoff backoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("at least one attempt");
        }
        this.maxAttempts = maxAttempts;
        this.maxElapsed = Objects.requireNonNull(maxElapsed, "maxElapsed");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        if (maxElapsed.isNegative()) {
            throw new IllegalArgumentException("the total time must not be negative");
        }
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * The wait before the next attempt after {@code failedAttempts} retryable failures, or empty to give up.
     *
     * @param retryAfter what the upstream asked for, if anything: a floor, never shortened by jitter
     * @param elapsed    time since the first attempt started
     */
    public Optional<Duration> delayBeforeRetry(int failedAttempts, Optional<Duration> retryAfter, Duration elapsed) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("a retry follows at least one failure");
        }
        if (failedAttempts >= maxAttempts) {
            return Optional.empty();
        }
        Duration jittered = backoff.delayBefore(failedAttempts);
        Duration wait = retryAfter.filter(asked -> asked.compareTo(jittered) > 0).orElse(jittered);
        if (elapsed.plus(wait).compareTo(maxElapsed) > 0) {
            return Optional.empty();
        }
        return Optional.of(wait);
    }
}
