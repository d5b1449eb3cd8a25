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

    @Query("""
            INSERT INTO refresh_log_chains (tenant, connection, from_seq, from_prev_hash, seq, hash)
            VALUES (:tenant, :connection, 1, :genesis, 0, :genesis) ON CONFLICT DO NOTHING""")
    void open(String tenant, String connection, String genesis);

    @Query("SELECT * FROM refresh_log_chains WHERE tenant = :tenant AND connection = :connection FOR UPDATE")
    ChainHeadRow lock(String tenant, String connection);

    @Query("UPDATE refresh_log_chains SET seq = :seq, hash = :hash WHERE tenant = :tenant AND connection = :connection")
    void advance(String tenant, String connection, long seq, String hash);

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
