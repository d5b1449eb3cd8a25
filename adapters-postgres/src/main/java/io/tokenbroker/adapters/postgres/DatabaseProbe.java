package io.tokenbroker.adapters.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Asks PostgreSQL whether it answers, through the {@link DatabaseBreaker}: while the breaker is open the answer is no
 * without a connection attempt; once it lets a probe through, a success closes it, so an instance with no traffic
 * still notices the database came back (for health and metrics).
 */
public final class DatabaseProbe {

    private final DataSource dataSource;
    private final DatabaseBreaker database;

    public DatabaseProbe(DataSource dataSource, DatabaseBreaker database) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.database = Objects.requireNonNull(database, "database");
    }

    /** True when a trivial statement succeeded now. */
    public boolean reachable() {
        try {
            database.run("probing the database", this::selectOne);
            return true;
        } catch (StorageUnavailableException unavailable) {
            return false;
        }
    }

    private void selectOne() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
        } catch (SQLException failed) {
            throw new ProbeFailed(failed);
        }
    }

    /** Carries the driver's exception, so {@link Storage} recognises the failure as the database's. */
    private static final class ProbeFailed extends RuntimeException {
        ProbeFailed(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
