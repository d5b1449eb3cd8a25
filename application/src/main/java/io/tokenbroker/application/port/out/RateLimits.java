package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.apikey.RateLimit;
import java.time.Duration;

/** Counts requests per bucket in fixed windows, shared by every instance that shares the store. */
public interface RateLimits {

    /** The outcome of one request: whether it fits, and what is left of the window. */
    record Admission(boolean allowed, long limit, long remaining, Duration resetAfter) {
    }

    /** Counts one request against {@code bucket} (atomically) and says whether it fits {@code limit}. */
    Admission admit(String bucket, RateLimit limit);
}
