package io.tokenbroker.adapters.postgres;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;

/** The {@code refresh_log} table: batch inserts, pages newest first by {@code (started_at, id)}, and totals. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface RefreshLogRepository extends GenericRepository<RefreshLogRow, Long> {

    /** One statement batch for all rows. */
    List<RefreshLogRow> saveAll(Iterable<RefreshLogRow> rows);

    @Query("""
            SELECT * FROM refresh_log
             WHERE tenant = :tenant AND connection = :connection
             ORDER BY started_at DESC, id DESC LIMIT :limit""")
    List<RefreshLogRow> firstPage(String tenant, String connection, int limit);

    /** The page after the row {@code (startedAt, id)}: a keyset, so rows written meanwhile neither repeat nor skip. */
    @Query("""
            SELECT * FROM refresh_log
             WHERE tenant = :tenant AND connection = :connection AND (started_at, id) < (:startedAt, :id)
             ORDER BY started_at DESC, id DESC LIMIT :limit""")
    List<RefreshLogRow> nextPage(String tenant, String connection, Instant startedAt, long id, int limit);

    @Query("""
            SELECT count(*) AS attempts, count(*) FILTER (WHERE outcome = 'success') AS successes,
                   CAST(round(avg(duration_ms)) AS bigint) AS average
              FROM refresh_log WHERE tenant = :tenant AND connection = :connection""")
    RefreshCounts totals(String tenant, String connection);
}
