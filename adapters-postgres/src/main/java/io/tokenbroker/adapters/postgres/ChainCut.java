package io.tokenbroker.adapters.postgres;

import io.micronaut.core.annotation.Introspected;

/** Where retention cuts one chain: its newest link older than the retention, removed with all before it. */
@Introspected
public record ChainCut(String tenant, String connection, long seq, String hash) {
}
