package io.tokenbroker.domain.audit;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a connection's refresh history adds up to.
 *
 * @param averageDuration mean time from start to completion, to the millisecond; empty when there was no attempt
 */
public record RefreshTotals(long attempts, long successes, long failures, Optional<Duration> averageDuration) {

    public RefreshTotals {
        Objects.requireNonNull(averageDuration, "averageDuration");
        if (attempts != successes + failures) {
            throw new IllegalArgumentException("every attempt is a success or a failure");
        }
    }

    public static RefreshTotals none() {
        return new RefreshTotals(0, 0, 0, Optional.empty());
    }
}
