package io.tokenbroker.adapters.postgres;

import io.micronaut.core.annotation.Introspected;

/** The key columns of a {@code connections} row, for listings that need nothing else. */
@Introspected
public record ConnectionName(String tenant, String name) {
}
