package io.tokenbroker.adapters.postgres;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.Optional;

/** The {@code reauthorisations} table: at most one mark per connection, the latest one wins. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ReauthorisationRepository extends GenericRepository<ReauthorisationRow, ReauthorisationRow.Key> {

    @Query("""
            INSERT INTO reauthorisations (tenant, connection, since, error_code)
            VALUES (:tenant, :connection, :since, :errorCode)
            ON CONFLICT (tenant, connection) DO UPDATE SET since = EXCLUDED.since, error_code = EXCLUDED.error_code""")
    void mark(String tenant, String connection, Instant since, String errorCode);

    @Query("DELETE FROM reauthorisations WHERE tenant = :tenant AND connection = :connection")
    void clear(String tenant, String connection);

    @Query("SELECT since, error_code AS code FROM reauthorisations WHERE tenant = :tenant AND connection = :connection")
    Optional<ReauthorisationMark> find(String tenant, String connection);
}
