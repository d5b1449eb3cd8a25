package io.tokenbroker.bootstrap;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.tokenbroker.adapters.postgres.EncryptionKeys;
import io.tokenbroker.adapters.postgres.JdbcApiKeys;
import io.tokenbroker.adapters.postgres.JdbcConnections;
import io.tokenbroker.adapters.postgres.JdbcReauthorisations;
import io.tokenbroker.adapters.postgres.JdbcRefreshLog;
import io.tokenbroker.adapters.postgres.PostgresSchema;
import io.tokenbroker.adapters.postgres.SecretCipher;
import io.tokenbroker.bootstrap.config.EncryptionConfiguration;
import io.tokenbroker.bootstrap.config.PostgresConfiguration;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL adapters, built when {@code datasources.default.url} ({@code DATASOURCES_DEFAULT_URL}) is set; each
 * is typed as itself, so it serves its port only where {@link AdapterSelection} chooses it. The key ring and the
 * schema are {@link Context} beans, so a missing or short key, or a database that cannot be migrated, stops the start
 * instead of the first request.
 */
@Factory
@Requires(property = PostgresAdapterFactory.DATASOURCE_URL)
public class PostgresAdapterFactory {

    /** The property whose presence enables the PostgreSQL adapters. */
    public static final String DATASOURCE_URL = "datasources.default.url";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresAdapterFactory.class);

    /** Proof, for the adapters that need it, that the schema is migrated. */
    public record MigratedSchema(int migrationsApplied) {
    }

    @Context
    @Singleton
    EncryptionKeys encryptionKeys(EncryptionConfiguration configuration) {
        EncryptionKeys keys = EncryptionKeys.parse(configuration.keys(), configuration.activeKey());
        LOG.info("secrets at rest are sealed with key {} (ring: {})", keys.activeId(), keys.ids());
        return keys;
    }

    @Singleton
    SecretCipher secretCipher(EncryptionKeys keys) {
        return new SecretCipher(keys, new SecureRandom());
    }

    @Context
    @Singleton
    MigratedSchema migratedSchema(DataSource dataSource, EncryptionKeys keysCheckedFirst) {
        // Takes the key ring so a start without a usable key stops before it touches the database.
        int applied = PostgresSchema.migrate(dataSource);
        LOG.info("PostgreSQL schema is current ({} migrations applied now)", applied);
        return new MigratedSchema(applied);
    }

    @Singleton
    @Bean(typed = JdbcApiKeys.class)
    JdbcApiKeys apiKeys(DataSource dataSource, MigratedSchema schema) {
        return new JdbcApiKeys(dataSource);
    }

    /** Shared, so one instance's {@code invalid_grant} is every instance's 409 and no one calls that upstream again. */
    @Singleton
    @Bean(typed = JdbcReauthorisations.class)
    JdbcReauthorisations reauthorisations(DataSource dataSource, MigratedSchema schema) {
        return new JdbcReauthorisations(dataSource);
    }

    @Singleton
    @Bean(typed = JdbcConnections.class)
    JdbcConnections connections(DataSource dataSource, SecretCipher cipher, Clock clock, MigratedSchema schema) {
        return new JdbcConnections(dataSource, cipher, clock);
    }

    @Singleton
    @Bean(preDestroy = "close", typed = JdbcRefreshLog.class)
    JdbcRefreshLog refreshLog(DataSource dataSource, PostgresConfiguration configuration, MigratedSchema schema) {
        String instanceId = configuration.instanceId() != null ? configuration.instanceId() : defaultInstanceId();
        return JdbcRefreshLog.start(dataSource, instanceId, new JdbcRefreshLog.Settings(
                configuration.logQueueCapacity(), configuration.logBatchSize(), Duration.ofSeconds(1),
                Duration.ofSeconds(2)));
    }

    private static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException unnamed) {
            host = "unknown-host";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
