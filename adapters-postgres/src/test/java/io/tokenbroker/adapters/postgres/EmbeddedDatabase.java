package io.tokenbroker.adapters.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import javax.sql.DataSource;

/**
 * One real PostgreSQL (zonky's binaries, started from the Maven artifact) for every test class of this module's JVM,
 * migrated once; tests empty the tables they use. Started lazily, stopped by zonky's shutdown hook.
 */
final class EmbeddedDatabase {

    private static EmbeddedPostgres server;
    private static DataSource dataSource;

    private EmbeddedDatabase() {
    }

    static synchronized DataSource shared() {
        if (dataSource == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException failed) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", failed);
            }
            dataSource = server.getPostgresDatabase();
            PostgresSchema.migrate(dataSource);
        }
        return dataSource;
    }

    static void truncate(DataSource dataSource) {
        execute(dataSource, "TRUNCATE connections, refresh_log RESTART IDENTITY");
    }

    static void execute(DataSource dataSource, String sql) {
        try (var db = dataSource.getConnection(); Statement statement = db.createStatement()) {
            statement.execute(sql);
        } catch (SQLException failed) {
            throw new IllegalStateException(sql, failed);
        }
    }

    /** A ring with one fresh random key {@code id}. */
    static String randomRing(String... ids) {
        SecureRandom random = new SecureRandom();
        StringBuilder ring = new StringBuilder();
        for (String id : ids) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            ring.append(ring.isEmpty() ? "" : ",").append(id).append(':')
                    .append(Base64.getEncoder().encodeToString(key));
        }
        return ring.toString();
    }

    static SecretCipher cipher(String ring, String active) {
        return new SecretCipher(EncryptionKeys.parse(ring, active), new SecureRandom());
    }
}
