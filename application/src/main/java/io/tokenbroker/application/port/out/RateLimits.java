package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.apikey.RateLimit;
import java.time.Duration;

/**
 * Counts requests per bucket in fixed windows, shared by every instance that shares the store. {@link #admit} answers
 * from memory and never waits for I/O, so it may run on an event loop; an adapter that shares the budget may admit a
 * bounded amount beyond the limit across instances, and states that bound.
 */
public interface RateLimits {

    /** The outcome of one request: whether it fits, and what is left of the window. */
    record Admission(boolean allowed, long limit, long remaining, Duration resetAfter) {
    }

    /** Counts one request against {@code bucket} and says whether it fits {@code limit}; safe for concurrent use. */
    Admission admit(String bucket, RateLimit limit);
}
