package io.tokenbroker.application.service;

import java.time.Duration;
import java.util.Objects;

/**
 * @param ttl     how long a refresh lease outlives a holder that died; the holder renews it while the refresh runs, so
 *                it bounds how long a dead holder blocks its connection, not how long a refresh may take
 * @param maxWait how long a caller waits for a lease another holder has before giving up with a retryable error
 */
public record LeaseSettings(Duration ttl, Duration maxWait) {

    public LeaseSettings {
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(maxWait, "maxWait");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the lease ttl must be positive");
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("the lease wait must not be negative");
        }
    }

    public static LeaseSettings defaults() {
        return new LeaseSettings(Duration.ofSeconds(10), Duration.ofSeconds(15));
    }
}
