package io.tokenbroker.bootstrap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * A database migrated by the broker before micronaut-flyway (Flyway called by hand, history table
 * {@code tokenbroker_schema_history}) starts with application.yml's Flyway settings as current: nothing is migrated
 * again, which would fail on tables that exist.
 */
class SchemaHistoryStartupTest {

    @Test
    void aDatabaseMigratedByTheHandCalledFlywayStartsWithoutMigratingAgain() throws SQLException {
        EmbeddedPostgres server = TestDatabase.shared();
        TestDatabase.execute(server.getPostgresDatabase(), "DROP DATABASE IF EXISTS migrated_before");
        TestDatabase.execute(server.getPostgresDatabase(), "CREATE DATABASE migrated_before");
        String url = server.getJdbcUrl("postgres", "migrated_before");
        // What the broker ran at start-up before micronaut-flyway (the former PostgresSchema.migrate).
        Flyway.configure().dataSource(url, "postgres", "postgres").locations("classpath:db/tokenbroker")
                .table("tokenbroker_schema_history").baselineOnMigrate(false).load().migrate();
        List<String> before = history(url);

        try (ApplicationContext broker = TestDatabase.broker(url, TestDatabase.randomRing("k1"), Map.of())) {
            Connections vault = broker.getBean(Connections.class);

            assertEquals(List.of("1 true", "2 true", "3 true", "4 true", "5 true", "6 true"), before);
            assertEquals(before, history(url), "no migration ran again, none was added");
            assertTrue(vault.find(ConnectionKey.of("acme", "crm")).isEmpty(), "the adapters work on it");
        }
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
}
