package io.tokenbroker.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * micronaut-flyway writes the broker's own history table, the one it used before micronaut-flyway, so a database
 * shared with another Flyway user keeps the two apart (bootstrap's SchemaHistoryStartupTest starts on a database
 * migrated the old way).
 */
class SchemaHistoryTest {

    @Test
    void aNewDatabaseIsMigratedIntoTheBrokersOwnHistoryTable() throws SQLException {
        DataSource database = EmbeddedDatabase.shared();
        List<String> applied = new ArrayList<>();
        try (var db = database.getConnection();
             ResultSet rows = db.createStatement().executeQuery(
                     "SELECT script FROM tokenbroker_schema_history WHERE success ORDER BY installed_rank")) {
            while (rows.next()) {
                applied.add(rows.getString(1));
            }
        }

        assertEquals(List.of("V1__connections_and_refresh_log.sql", "V2__api_keys.sql", "V3__reauthorisations.sql",
                "V4__connection_saved_by.sql", "V5__connect_trigger.sql", "V6__refresh_log_hash_chain.sql"), applied);
        try (var db = database.getConnection();
             ResultSet tables = db.getMetaData().getTables(null, null, "flyway_schema_history", null)) {
            assertFalse(tables.next(), "no table under Flyway's default name");
        }
    }
}
