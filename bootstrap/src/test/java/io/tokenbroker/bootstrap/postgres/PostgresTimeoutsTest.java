package io.tokenbroker.bootstrap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.ApplicationContext;
import io.micronaut.jdbc.DataSourceResolver;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What a request may wait for PostgreSQL is bounded by default (issue 18): the pool's connection timeout is
 * {@code tokenbroker.postgres.connection-timeout}, and every connection that serves requests, those Flyway used
 * included (it runs without the bound), carries the server's {@code statement_timeout}.
 */
class PostgresTimeoutsTest {

    @Test
    void thePoolAndEveryConnectionCarryTheBounds() throws SQLException {
        Map<String, Object> properties = new HashMap<>();
        properties.put("datasources.default.url", TestDatabase.jdbcUrl(TestDatabase.shared()));
        properties.put("datasources.default.username", "postgres");
        properties.put("datasources.default.password", "postgres");
        properties.put("datasources.default.maximum-pool-size", 3);
        properties.put("tokenbroker.encryption.keys", TestDatabase.randomRing("k1"));
        properties.put("tokenbroker.postgres.statement-timeout", "1500ms");
        try (ApplicationContext broker = ApplicationContext.run(properties)) {
            DataSource pool = broker.getBean(DataSourceResolver.class).resolve(broker.getBean(DataSource.class));
            assertEquals(800, pool.unwrap(HikariDataSource.class).getConnectionTimeout());
            // All the pool's connections at once, so none can hide behind another.
            List<Connection> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    held.add(pool.getConnection());
                }
                for (Connection connection : held) {
                    assertEquals("1500ms", statementTimeout(connection));
                }
            } finally {
                for (Connection connection : held) {
                    connection.close();
                }
            }
        }
    }

    @Test
    void anOperatorsOwnConnectionTimeoutWins() throws SQLException {
        Map<String, Object> properties = new HashMap<>();
        properties.put("datasources.default.url", TestDatabase.jdbcUrl(TestDatabase.shared()));
        properties.put("datasources.default.username", "postgres");
        properties.put("datasources.default.password", "postgres");
        properties.put("datasources.default.connection-timeout", 3000);
        properties.put("tokenbroker.encryption.keys", TestDatabase.randomRing("k1"));
        try (ApplicationContext broker = ApplicationContext.run(properties)) {
            DataSource pool = broker.getBean(DataSourceResolver.class).resolve(broker.getBean(DataSource.class));
            assertEquals(3000, pool.unwrap(HikariDataSource.class).getConnectionTimeout());
        }
    }

    private static String statementTimeout(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SHOW statement_timeout")) {
            result.next();
            return result.getString(1);
        }
    }
}
