package io.tokenbroker.adapters.postgres;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.List;
import java.util.Optional;

/**
 * The {@code refresh_log_chains} table: where each chain stands. An appender opens a chain's row if needed and locks
 * it ({@link #lock}) in the transaction that appends, so appends to one chain are serialised across instances; rows
 * are locked in (tenant, connection) order by every writer, so two writers cannot deadlock.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface RefreshLogChainRepository extends GenericRepository<RefreshLogRow, Long> {

    /**
     * Opens every chain of a batch that has no row yet, in one statement. Rows are inserted in the lock order
     * ({@link #lockAll}): a writer waits on another's uncommitted new row only in that order, so the two phases
     * cannot deadlock.
     */
    @Query("""
            INSERT INTO refresh_log_chains (tenant, connection, from_seq, from_prev_hash, seq, hash)
            SELECT k.tenant, k.connection, 1, :genesis, 0, :genesis
              FROM unnest(CAST(:tenants AS text[]), CAST(:connections AS text[])) AS k(tenant, connection)
             ORDER BY k.tenant COLLATE "C", k.connection COLLATE "C"
            ON CONFLICT DO NOTHING""")
    void openAll(String[] tenants, String[] connections, String genesis);

    /**
     * Locks the heads of a batch's chains in one statement, in (tenant, connection) order: the plan sorts below its
     * LockRows node, so PostgreSQL takes the row locks in ORDER BY order (the SELECT reference's "ORDER BY is applied
     * first", and EXPLAIN shows LockRows over Sort). Every writer locks in this order, so two never deadlock. COLLATE
     * "C" compares bytes, the order of Java's String comparison for every identifier outside the supplementary planes.
     */
    @Query("""
            SELECT * FROM refresh_log_chains
             WHERE (tenant, connection) IN (
                   SELECT * FROM unnest(CAST(:tenants AS text[]), CAST(:connections AS text[])))
             ORDER BY tenant COLLATE "C", connection COLLATE "C"
               FOR UPDATE""")
    List<ChainHeadRow> lockAll(String[] tenants, String[] connections);

    /** Moves every head of a batch in one statement; their rows are locked by {@link #lockAll} already. */
    @Query("""
            UPDATE refresh_log_chains AS c SET seq = h.seq, hash = h.hash
              FROM unnest(CAST(:tenants AS text[]), CAST(:connections AS text[]), CAST(:seqs AS bigint[]),
                          CAST(:hashes AS text[])) AS h(tenant, connection, seq, hash)
             WHERE c.tenant = h.tenant AND c.connection = h.connection""")
    void advanceAll(String[] tenants, String[] connections, long[] seqs, String[] hashes);

    @Query("SELECT * FROM refresh_log_chains WHERE tenant = :tenant AND connection = :connection")
    Optional<ChainHeadRow> find(String tenant, String connection);

    @Query("SELECT * FROM refresh_log_chains ORDER BY tenant, connection")
    List<ChainHeadRow> findAll();

    /** Moves the chain's start past a link retention removes; never backwards. */
    @Query("""
            UPDATE refresh_log_chains SET from_seq = :seq + 1, from_prev_hash = :hash
             WHERE tenant = :tenant AND connection = :connection AND from_seq <= :seq""")
    void cut(String tenant, String connection, long seq, String hash);

    /** Whether this transaction got the retention lock; released when it ends. */
    @Query("SELECT pg_try_advisory_xact_lock(:key)")
    boolean tryLock(long key);
}
