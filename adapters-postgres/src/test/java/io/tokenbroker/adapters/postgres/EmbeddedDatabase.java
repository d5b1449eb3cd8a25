package io.tokenbroker.adapters.postgres;

import io.micronaut.context.ApplicationContext;
import io.micronaut.transaction.TransactionOperations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * One real PostgreSQL (zonky's binaries, started from the Maven artifact) for every test class of this module's JVM,
 * and one small Micronaut context over it: a pooled datasource, micronaut-flyway migrating it as bootstrap's
 * configuration does, and the repositories. Tests empty the tables they use. Started lazily; the context is closed
 * and the server stopped by a shutdown hook.
 */
final class EmbeddedDatabase {

    private static EmbeddedPostgres server;
    private static ApplicationContext context;

    private EmbeddedDatabase() {
    }

    /** The server's own unpooled DataSource, for the tests' direct SQL. */
    static synchronized DataSource shared() {
        context();
        return server.getPostgresDatabase();
    }

    /** A JDBC URL for another database on the same server (create it first). */
    static synchronized String jdbcUrl(String database) {
        context();
        return server.getJdbcUrl("postgres", database);
    }

    static synchronized ApplicationContext context() {
        if (context == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException failed) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", failed);
            }
            context = ApplicationContext.run(properties(server.getJdbcUrl("postgres", "postgres")));
            Runtime.getRuntime().addShutdownHook(new Thread(context::close, "close-test-context"));
        }
        return context;
    }

    /** The datasource and Flyway settings of bootstrap's application.yml, pointed at {@code jdbcUrl}. */
    static Map<String, Object> properties(String jdbcUrl) {
        return Map.of(
                "datasources.default.url", jdbcUrl,
                "datasources.default.username", "postgres",
                "datasources.default.password", "postgres",
                "datasources.default.maximum-pool-size", 4,
                "flyway.datasources.default.enabled", true,
                "flyway.datasources.default.locations", "classpath:db/tokenbroker",
                "flyway.datasources.default.table", "tokenbroker_schema_history");
    }

    static <T> T bean(Class<T> type) {
        return context().getBean(type);
    }

    static void truncate(DataSource dataSource) {
        execute(dataSource,
                "TRUNCATE connections, refresh_log, refresh_log_chains, audit_checkpoints RESTART IDENTITY");
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

    static AesGcmSeals cipher(String ring, String active) {
        return new AesGcmSeals(EncryptionKeys.parse(ring, active), new SecureRandom());
    }

    /** A refresh log over the shared database whose writer runs on {@code writerExecutor}. */
    @SuppressWarnings("unchecked")
    static JdbcRefreshLog refreshLog(String instanceId, RefreshLogWriter.Settings settings,
                                     Executor writerExecutor) {
        return new JdbcRefreshLog(bean(RefreshLogRepository.class), bean(RefreshLogChainRepository.class),
                bean(TransactionOperations.class), instanceId, settings, writerExecutor);
    }

    /** A vault over the shared database sealing with {@code active} of {@code ring}. */
    static JdbcConnections vault(String ring, String active) {
        return new JdbcConnections(bean(ConnectionRepository.class), cipher(ring, active), Clock.systemUTC());
    }
}
