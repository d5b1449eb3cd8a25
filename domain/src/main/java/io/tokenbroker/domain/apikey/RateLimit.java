package io.tokenbroker.domain.apikey;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code requests} per {@code window} (a fixed window: simple, one counter, one round trip to Redis).
 *
 * @param requests 0 switches the limit off
 */
public record RateLimit(long requests, Duration window) {

    public RateLimit {
        Objects.requireNonNull(window, "window");
        if (requests < 0) {
            throw new IllegalArgumentException("a rate limit cannot be negative");
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a rate limit window must be positive");
        }
    }

    public boolean isOff() {
        return requests == 0;
    }
}
