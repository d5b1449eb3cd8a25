package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.apikey.Admission;
import io.tokenbroker.domain.apikey.RateLimit;

/** Counts requests per bucket in fixed windows, shared by every instance that shares the store. */
public interface RateLimits {

    /** Counts one request against {@code bucket} (atomically) and says whether it fits {@code limit}. */
    Admission admit(String bucket, RateLimit limit);
}
