package io.tokenbroker.adapters.postgres;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.Optional;

/** The {@code audit_checkpoints} table. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface CheckpointRepository extends GenericRepository<CheckpointRow, Long> {

    CheckpointRow save(CheckpointRow row);

    @Query("SELECT * FROM audit_checkpoints ORDER BY created_at DESC, id DESC LIMIT 1")
    Optional<CheckpointRow> latest();

    @Query("""
            DELETE FROM audit_checkpoints WHERE created_at < :cutoff
               AND id <> (SELECT id FROM audit_checkpoints ORDER BY created_at DESC, id DESC LIMIT 1)""")
    long deleteBefore(Instant cutoff);
}
