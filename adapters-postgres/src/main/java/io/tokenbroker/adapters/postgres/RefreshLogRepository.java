package io.tokenbroker.adapters.postgres;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;

/**
 * The {@code refresh_log} table: batch inserts, pages of attempts newest first by {@code (started_at, id)}, totals,
 * and each connection's chain in {@code seq} order. History and totals count attempts, not gap rows.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface RefreshLogRepository extends GenericRepository<RefreshLogRow, Long> {

    /** One statement batch for all rows. */
    List<RefreshLogRow> saveAll(Iterable<RefreshLogRow> rows);

    @Query("""
            SELECT * FROM refresh_log
             WHERE tenant = :tenant AND connection = :connection AND kind = 'attempt'
             ORDER BY started_at DESC, id DESC LIMIT :limit""")
    List<RefreshLogRow> firstPage(String tenant, String connection, int limit);

    /** The page after the row {@code (startedAt, id)}: a keyset, so rows written meanwhile neither repeat nor skip. */
    @Query("""
            SELECT * FROM refresh_log
             WHERE tenant = :tenant AND connection = :connection AND kind = 'attempt'
               AND (started_at, id) < (:startedAt, :id)
             ORDER BY started_at DESC, id DESC LIMIT :limit""")
    List<RefreshLogRow> nextPage(String tenant, String connection, Instant startedAt, long id, int limit);

    @Query("""
            SELECT count(*) AS attempts, count(*) FILTER (WHERE outcome = 'success') AS successes,
                   CAST(round(avg(floor(EXTRACT(EPOCH FROM completed_at - started_at) * 1000))) AS bigint) AS average
              FROM refresh_log WHERE tenant = :tenant AND connection = :connection AND kind = 'attempt'""")
    RefreshCounts totals(String tenant, String connection);

    /** The chain's links after {@code afterSeq}, in order; rows from before the chain have no seq and never match. */
    @Query("""
            SELECT * FROM refresh_log
             WHERE tenant = :tenant AND connection = :connection AND seq > :afterSeq
             ORDER BY seq LIMIT :limit""")
    List<RefreshLogRow> chain(String tenant, String connection, long afterSeq, int limit);

    /** Per chain, the newest link that started before {@code cutoff}: where retention cuts. */
    @Query("""
            SELECT DISTINCT ON (tenant, connection) tenant, connection, seq, hash FROM refresh_log
             WHERE started_at < :cutoff AND seq IS NOT NULL
             ORDER BY tenant, connection, seq DESC""")
    List<ChainCut> cuts(Instant cutoff);

    @Query("DELETE FROM refresh_log WHERE tenant = :tenant AND connection = :connection AND seq <= :seq")
    long deleteThrough(String tenant, String connection, long seq);

    /** Rows from before the chain are removed by age alone. */
    @Query("DELETE FROM refresh_log WHERE seq IS NULL AND started_at < :cutoff")
    long deleteUnchainedBefore(Instant cutoff);
}
