package io.tokenbroker.adapters.postgres;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;

/** The totals of one connection's refresh log; {@code average} (milliseconds) is null without attempts. */
@Introspected
public record RefreshCounts(long attempts, long successes, @Nullable Long average) {
}
