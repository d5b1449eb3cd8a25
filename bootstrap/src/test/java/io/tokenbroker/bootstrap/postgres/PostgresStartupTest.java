package io.tokenbroker.bootstrap.postgres;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.tokenbroker.adapters.postgres.JdbcConnections;
import io.tokenbroker.adapters.postgres.JdbcRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.RefreshLog;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which adapters a start picks, and that a PostgreSQL start refuses to run without a usable key. */
class PostgresStartupTest {

    private static Map<String, Object> withDatasource() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("datasources.default.url", TestDatabase.jdbcUrl(TestDatabase.shared()));
        properties.put("datasources.default.username", "postgres");
        properties.put("datasources.default.password", "postgres");
        return properties;
    }

    @Test
    void aDatasourcePicksTheJdbcAdaptersAndMigratesTheSchema() {
        Map<String, Object> properties = withDatasource();
        properties.put("tokenbroker.encryption.keys", TestDatabase.randomRing("k1"));
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            assertInstanceOf(JdbcConnections.class, context.getBean(Connections.class));
            assertInstanceOf(JdbcRefreshLog.class, context.getBean(RefreshLog.class));
        }
    }

    @Test
    void withoutADatasourceTheInMemoryAdaptersStayAndNoKeyIsNeeded() {
        try (ApplicationContext context = ApplicationContext.run()) {
            assertInstanceOf(InMemoryConnections.class, context.getBean(Connections.class));
            assertFalse(context.containsBean(JdbcConnections.class));
        }
    }

    @Test
    void aMissingKeyStopsTheStart() {
        Exception refused = assertThrows(Exception.class, () -> ApplicationContext.run(withDatasource()).close());

        assertTrue(causes(refused).contains("TOKENBROKER_ENCRYPTION_KEYS is not set"), causes(refused));
    }

    @Test
    void aShortKeyStopsTheStartWithoutShowingIt() {
        String shortKey = Base64.getEncoder().encodeToString("only-sixteen-byt".getBytes());
        Map<String, Object> properties = withDatasource();
        properties.put("tokenbroker.encryption.keys", "k1:" + shortKey);

        Exception refused = assertThrows(Exception.class, () -> ApplicationContext.run(properties).close());

        assertTrue(causes(refused).contains("shorter than 32 bytes"), causes(refused));
        assertFalse(causes(refused).contains(shortKey));
    }

    private static String causes(Throwable failure) {
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            messages.append(cause.getMessage()).append('\n');
        }
        return messages.toString();
    }
}
