package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.apikey.Admission;
import io.tokenbroker.domain.apikey.RateLimit;

/**
 * Counts requests per bucket in fixed windows, shared by every instance that shares the store. {@link #admit} answers
 * from memory and never waits for I/O, so it may run on an event loop; an adapter that shares the budget may admit a
 * bounded amount beyond the limit across instances, and states that bound.
 */
public interface RateLimits {

    /** Counts one request against {@code bucket} and says whether it fits {@code limit}; safe for concurrent use. */
    Admission admit(String bucket, RateLimit limit);
}
