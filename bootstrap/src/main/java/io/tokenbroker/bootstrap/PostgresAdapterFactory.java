package io.tokenbroker.bootstrap;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.transaction.TransactionOperations;
import io.tokenbroker.adapters.postgres.ApiKeyRepository;
import io.tokenbroker.adapters.postgres.CheckpointRepository;
import io.tokenbroker.adapters.postgres.ConnectionRepository;
import io.tokenbroker.adapters.postgres.JdbcApiKeys;
import io.tokenbroker.adapters.postgres.JdbcCheckpoints;
import io.tokenbroker.adapters.postgres.JdbcConnections;
import io.tokenbroker.adapters.postgres.JdbcReauthorisations;
import io.tokenbroker.adapters.postgres.JdbcRefreshLog;
import io.tokenbroker.adapters.postgres.OnlineReEncryption;
import io.tokenbroker.adapters.postgres.PostgresLockManager;
import io.tokenbroker.adapters.postgres.ReauthorisationRepository;
import io.tokenbroker.adapters.postgres.RefreshLogChainRepository;
import io.tokenbroker.adapters.postgres.RefreshLogRepository;
import io.tokenbroker.adapters.postgres.RefreshLogWriter;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.Seals;
import io.tokenbroker.bootstrap.config.LeaseConfiguration;
import io.tokenbroker.bootstrap.config.PostgresConfiguration;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The PostgreSQL adapters, built when {@code datasources.default.url} ({@code DATASOURCES_DEFAULT_URL}) is set; each
 * is typed as itself, so it serves its port only where {@link AdapterSelection} chooses it. Each adapter wraps the
 * micronaut-data repository of its table; micronaut-flyway ({@code flyway.datasources.default.*} in application.yml)
 * migrates the schema when the pool is created, so no adapter can run on an old schema, and a database that cannot be
 * migrated stops the start. The vault seals with the process's one {@link Seals} ({@link EncryptionFactory}).
 */
@Factory
@Requires(property = PostgresAdapterFactory.DATASOURCE_URL)
public class PostgresAdapterFactory {

    /** The property whose presence enables the PostgreSQL adapters. */
    public static final String DATASOURCE_URL = "datasources.default.url";

    @Singleton
    @Bean(typed = JdbcApiKeys.class)
    JdbcApiKeys apiKeys(ApiKeyRepository rows) {
        return new JdbcApiKeys(rows);
    }

    /** Shared, so one instance's {@code invalid_grant} is every instance's 409 and no one calls that upstream again. */
    @Singleton
    @Bean(typed = JdbcReauthorisations.class)
    JdbcReauthorisations reauthorisations(ReauthorisationRepository rows) {
        return new JdbcReauthorisations(rows);
    }

    @Singleton
    @Bean(typed = JdbcConnections.class)
    JdbcConnections connections(ConnectionRepository rows, Seals cipher, Clock clock) {
        return new JdbcConnections(rows, cipher, clock);
    }

    /** The operator's {@code re-encrypt} (see {@link ReEncryptCommand}); not used while serving. */
    @Singleton
    OnlineReEncryption reEncryption(ConnectionRepository rows, Seals cipher, Clock clock,
                                    TransactionOperations<Connection> transactions) {
        return new OnlineReEncryption(rows, cipher, clock, transactions);
    }

    @Singleton
    @Bean(preDestroy = "close", typed = JdbcRefreshLog.class)
    JdbcRefreshLog refreshLog(RefreshLogRepository rows, RefreshLogChainRepository chains,
                              TransactionOperations<Connection> transactions, PostgresConfiguration configuration) {
        String instanceId = configuration.instanceId() != null ? configuration.instanceId() : defaultInstanceId();
        return JdbcRefreshLog.start(rows, chains, transactions, instanceId, new RefreshLogWriter.Settings(
                configuration.logQueueCapacity(), configuration.logBatchSize(), Duration.ofSeconds(1),
                Duration.ofSeconds(2)));
    }

    /**
     * Leases through an advisory lock, for while Redis is unreachable ({@link LeaseFallback}); each open one holds a
     * pool connection of its own, which {@link LeaseConnectionsInPool} adds to the pool. It works on the pool itself,
     * not on micronaut-data's transaction-bound view of it: a lease's transaction outlives the call that opened it.
     */
    @Singleton
    @Bean(preDestroy = "close", typed = PostgresLockManager.class)
    PostgresLockManager leases(DataSource dataSource, Connections connections, Clock clock,
                               LeaseConfiguration lease) {
        return new PostgresLockManager(DelegatingDataSource.unwrapDataSource(dataSource), connections::highestFence,
                clock, Math.max(1, lease.postgresConnections()));
    }

    /** The audit checkpoints live beside the refresh log they vouch for. */
    @Singleton
    @Bean(typed = JdbcCheckpoints.class)
    JdbcCheckpoints checkpoints(CheckpointRepository rows) {
        return new JdbcCheckpoints(rows);
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
