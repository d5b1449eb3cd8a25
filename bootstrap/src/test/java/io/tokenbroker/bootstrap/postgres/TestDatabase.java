package io.tokenbroker.bootstrap.postgres;

import io.micronaut.context.ApplicationContext;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A real PostgreSQL from zonky's Maven artifact. {@link #shared()} serves every test class of this JVM (tests empty
 * what they use); {@link #startAt} starts one on a given directory and port, so a test can stop and restart it.
 */
final class TestDatabase {

    private static EmbeddedPostgres shared;

    private TestDatabase() {
    }

    static synchronized EmbeddedPostgres shared() {
        if (shared == null) {
            try {
                shared = EmbeddedPostgres.builder().start();
            } catch (IOException failed) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", failed);
            }
        }
        return shared;
    }

    /** A server on {@code dataDirectory} that keeps its data when stopped, so it can be started again. */
    static EmbeddedPostgres startAt(Path dataDirectory, int port) {
        try {
            return EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false)
                    .setPort(port).start();
        } catch (IOException failed) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", failed);
        }
    }

    static String jdbcUrl(EmbeddedPostgres server) {
        return server.getJdbcUrl("postgres", "postgres");
    }

    /**
     * A broker's context over the database at {@code jdbcUrl} sealing with {@code ring} (micronaut-flyway migrates
     * the database as it starts), without the refresh-ahead ticker and with the pending-rotation flush far apart, so
     * only the test drives the vault. {@code extra} adds or overrides properties.
     */
    static ApplicationContext broker(String jdbcUrl, String ring, Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("datasources.default.url", jdbcUrl);
        properties.put("datasources.default.username", "postgres");
        properties.put("datasources.default.password", "postgres");
        properties.put("tokenbroker.encryption.keys", ring);
        properties.put("tokenbroker.scheduler.enabled", false);
        properties.put("tokenbroker.postgres.pending-flush-interval", "1h");
        properties.putAll(extra);
        return ApplicationContext.run(properties);
    }

    static void execute(DataSource dataSource, String sql) {
        try (var db = dataSource.getConnection(); Statement statement = db.createStatement()) {
            statement.execute(sql);
        } catch (SQLException failed) {
            throw new IllegalStateException(sql, failed);
        }
    }

    /** A ring of one fresh random 32-byte key named {@code id}, in TOKENBROKER_ENCRYPTION_KEYS format. */
    static String randomRing(String id) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return id + ":" + Base64.getEncoder().encodeToString(key);
    }
}
