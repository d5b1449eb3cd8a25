package io.tokenbroker.bootstrap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.context.ApplicationContext;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What a stopping broker had queued for the database is in it once its context has closed. */
class ShutdownFlushTest {

    private static final int ROWS = 500;

    @Test
    void refreshLogRowsQueuedBeforeCloseAreInTheDatabaseAfterIt() throws SQLException {
        String url = TestDatabase.jdbcUrl(TestDatabase.shared());
        ConnectionKey key = ConnectionKey.of("acme", "queued-" + UUID.randomUUID().toString().substring(0, 8));
        ApplicationContext broker = TestDatabase.broker(url, TestDatabase.randomRing("k1"), Map.of());
        RefreshLog log = broker.getBean(RefreshLog.class);
        Instant startedAt = Instant.parse("2030-01-01T00:00:00Z");
        for (int i = 0; i < ROWS; i++) {
            log.record(new RefreshAttempt(key, Trigger.PROACTIVE, Outcome.SUCCESS, startedAt.plusSeconds(i),
                    startedAt.plusSeconds(i).plusMillis(80), 1, OptionalInt.of(200), Optional.empty(),
                    Optional.empty(), i + 1));
        }

        broker.close();

        assertEquals(ROWS, rows(key));
    }

    private static long rows(ConnectionKey key) throws SQLException {
        try (var db = TestDatabase.shared().getPostgresDatabase().getConnection();
             Statement statement = db.createStatement();
             ResultSet result = statement.executeQuery("SELECT count(*) FROM refresh_log WHERE tenant = 'acme' "
                     + "AND connection = '" + key.connection().value() + "'")) {
            result.next();
            return result.getLong(1);
        }
    }
}
