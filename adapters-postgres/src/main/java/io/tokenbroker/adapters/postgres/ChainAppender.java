package io.tokenbroker.adapters.postgres;

import io.micronaut.transaction.TransactionOperations;
import io.tokenbroker.domain.audit.ChainEntry;
import io.tokenbroker.domain.audit.ChainLink;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Appends a batch to the chains in one transaction: per connection (in (tenant, connection) order, the lock order of
 * every writer) it opens and locks the chain's head row, links the entries onto it, and moves the head; then one
 * statement batch inserts every row. Another instance appending to the same connection waits for the lock, so the
 * chain never forks; if anything fails, nothing of the batch is written and the heads stay where they were.
 */
final class ChainAppender {

    private static final Comparator<ConnectionKey> LOCK_ORDER = Comparator
            .comparing((ConnectionKey key) -> key.tenant().value()).thenComparing(key -> key.connection().value());

    private final RefreshLogRepository rows;
    private final RefreshLogChainRepository chains;
    private final TransactionOperations<Connection> transactions;
    private final String instanceId;

    ChainAppender(RefreshLogRepository rows, RefreshLogChainRepository chains,
                  TransactionOperations<Connection> transactions, String instanceId) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.chains = Objects.requireNonNull(chains, "chains");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
    }

    void append(List<ChainEntry> batch) {
        Map<ConnectionKey, List<ChainEntry>> byChain = new TreeMap<>(LOCK_ORDER);
        batch.forEach(entry -> byChain.computeIfAbsent(entry.connection(), key -> new ArrayList<>()).add(entry));
        transactions.executeWrite(status -> {
            List<RefreshLogRow> linked = new ArrayList<>(batch.size());
            byChain.forEach((key, entries) -> linked.addAll(link(key, entries)));
            rows.saveAll(linked);
            return null;
        });
    }

    private List<RefreshLogRow> link(ConnectionKey key, List<ChainEntry> entries) {
        String tenant = key.tenant().value();
        String connection = key.connection().value();
        chains.open(tenant, connection, ChainLink.GENESIS);
        ChainHeadRow head = chains.lock(tenant, connection);
        long seq = head.seq();
        String prevHash = head.hash();
        List<RefreshLogRow> linked = new ArrayList<>(entries.size());
        for (ChainEntry entry : entries) {
            ChainLink link = ChainLink.append(++seq, prevHash, ChainRows.bounded(entry), instanceId);
            linked.add(ChainRows.row(link));
            prevHash = link.hash();
        }
        chains.advance(tenant, connection, seq, prevHash);
        return linked;
    }
}
