package io.tokenbroker.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * micronaut-flyway keeps the history table and migrations the broker used before it: a database migrated then is
 * recognised as current, not migrated again (which would fail on tables that exist).
 */
class SchemaHistoryTest {

    @Test
    void aDatabaseMigratedByTheHandCalledFlywayStartsWithoutMigratingAgain() throws SQLException {
        EmbeddedDatabase.execute(EmbeddedDatabase.shared(), "DROP DATABASE IF EXISTS migrated_before");
        EmbeddedDatabase.execute(EmbeddedDatabase.shared(), "CREATE DATABASE migrated_before");
        String url = EmbeddedDatabase.shared().unwrap(PGSimpleDataSource.class).getUrl()
                .replaceFirst("/postgres(\\?|$)", "/migrated_before$1");
        // What the broker ran at start-up before micronaut-flyway (the former PostgresSchema.migrate).
        Flyway.configure().dataSource(url, "postgres", "postgres").locations("classpath:db/tokenbroker")
                .table("tokenbroker_schema_history").baselineOnMigrate(false).load().migrate();
        List<String> before = history(url);

        try (ApplicationContext context = ApplicationContext.run(EmbeddedDatabase.properties(url))) {
            JdbcReauthorisations marks = new JdbcReauthorisations(context.getBean(ReauthorisationRepository.class));

            assertEquals(before, history(url), "no migration ran again, none was added");
            assertTrue(marks.find(ConnectionKey.of("acme", "crm")).isEmpty(), "the adapters work on it");
        }
    }

    @Test
    void aNewDatabaseIsMigratedIntoTheBrokersOwnHistoryTable() throws SQLException {
        String url = EmbeddedDatabase.shared().unwrap(PGSimpleDataSource.class).getUrl();
        EmbeddedDatabase.context();

        List<String> history = history(url);

        assertEquals(List.of("1 true", "2 true", "3 true"), history);
        assertFalse(tableExists(EmbeddedDatabase.shared(), "flyway_schema_history"));
    }

    private static List<String> history(String url) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (var db = DriverManager.getConnection(url, "postgres", "postgres");
             Statement select = db.createStatement();
             ResultSet result = select.executeQuery(
                     "SELECT version, success FROM tokenbroker_schema_history ORDER BY installed_rank")) {
            while (result.next()) {
                rows.add(result.getString(1) + " " + result.getBoolean(2));
            }
        }
        return rows;
    }

    private static boolean tableExists(DataSource dataSource, String table) throws SQLException {
        try (var db = dataSource.getConnection(); ResultSet tables = db.getMetaData().getTables(null, null, table,
                null)) {
            return tables.next();
        }
    }
}
