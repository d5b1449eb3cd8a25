package io.tokenbroker.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.context.ApplicationContext;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.egress.SavedBy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V4 adds who saved a connection. A row stored before it, when nobody could save a connection but through the
 * operator's API, must read as operator-saved, so an upgrade does not cut existing connections off internal hosts.
 */
class SavedByMigrationTest {

    private static final String DATABASE = "before_v4";

    @Test
    void aConnectionStoredBeforeV4ReadsAsSavedByAnOperator() throws SQLException {
        EmbeddedDatabase.execute(EmbeddedDatabase.shared(), "DROP DATABASE IF EXISTS " + DATABASE);
        EmbeddedDatabase.execute(EmbeddedDatabase.shared(), "CREATE DATABASE " + DATABASE);
        String url = EmbeddedDatabase.jdbcUrl(DATABASE);
        Flyway.configure().dataSource(url, "postgres", "postgres").locations("classpath:db/tokenbroker")
                .table("tokenbroker_schema_history").target("3").load().migrate();
        try (Connection v3 = DriverManager.getConnection(url, "postgres", "postgres")) {
            v3.createStatement().execute("""
                    INSERT INTO connections (tenant, name, provider, settings, fence, version, created_at, updated_at)
                    VALUES ('acme', 'internal', 'auth-service',
                            '{"token_url": "http://auth-service.internal/token", "scopes": [],
                              "auth_method": "client_secret_basic",
                              "provider_settings": {"url": "http://auth-service.internal/token"}}',
                            0, 1, now(), now())""");
        }

        // Starting on it migrates it the rest of the way, as an upgraded broker would.
        try (ApplicationContext upgraded = ApplicationContext.run(EmbeddedDatabase.properties(url))) {
            JdbcConnections vault = new JdbcConnections(upgraded.getBean(ConnectionRepository.class),
                    EmbeddedDatabase.cipher(EmbeddedDatabase.randomRing("k1"), "k1"), Clock.systemUTC());

            assertEquals(SavedBy.OPERATOR, vault.find(ConnectionKey.of("acme", "internal")).orElseThrow().savedBy());
        }
    }
}
