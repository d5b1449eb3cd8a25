package io.tokenbroker.adapters.postgres;

import io.micronaut.core.annotation.Introspected;

/** A row of {@code refresh_log_chains}: where one connection's chain stands. */
@Introspected
public record ChainHeadRow(String tenant, String connection, long fromSeq, String fromPrevHash, long seq,
                           String hash) {
}
