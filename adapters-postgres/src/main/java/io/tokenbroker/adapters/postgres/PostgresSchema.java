package io.tokenbroker.adapters.postgres;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The adapters' schema, owned by the Flyway migrations in {@code db/tokenbroker}. Run once at start-up, before the
 * adapters are used; concurrent instances are safe (Flyway takes an advisory lock).
 */
public final class PostgresSchema {

    public static final String LOCATION = "classpath:db/tokenbroker";

    private PostgresSchema() {
    }

    /** Applies pending migrations; returns how many it applied. */
    public static int migrate(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations(LOCATION)
                // Our own history table: a database shared with another Flyway user keeps the two apart.
                .table("tokenbroker_schema_history")
                .baselineOnMigrate(false)
                .load()
                .migrate()
                .migrationsExecuted;
    }
}
