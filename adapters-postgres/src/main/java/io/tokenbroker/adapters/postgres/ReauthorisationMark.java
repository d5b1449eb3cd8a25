package io.tokenbroker.adapters.postgres;

import io.micronaut.core.annotation.Introspected;
import java.time.Instant;

/** A mark read from {@code reauthorisations}: since when, and the upstream's error code. */
@Introspected
public record ReauthorisationMark(Instant since, String code) {
}
