package io.tokenbroker.domain.apikey;

import java.time.Duration;
import java.util.Objects;

/** The outcome of one request against a rate limit: whether it fits, and what is left of the window. */
public record Admission(boolean allowed, long limit, long remaining, Duration resetAfter) {

    public Admission {
        Objects.requireNonNull(resetAfter, "resetAfter");
    }
}
