package io.tokenbroker.bootstrap;

import io.micronaut.context.BeanProvider;
import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.transaction.TransactionOperations;
import io.tokenbroker.adapters.postgres.ApiKeyRepository;
import io.tokenbroker.adapters.postgres.CheckpointRepository;
import io.tokenbroker.adapters.postgres.ConnectionRepository;
import io.tokenbroker.adapters.postgres.DatabaseBreaker;
import io.tokenbroker.adapters.postgres.DatabaseProbe;
import io.tokenbroker.adapters.postgres.FileRotationSlots;
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
import io.tokenbroker.adapters.redis.RedisAdapters;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.RotationSlots;
import io.tokenbroker.application.port.out.Seals;
import io.tokenbroker.bootstrap.config.LeaseConfiguration;
import io.tokenbroker.bootstrap.config.PostgresConfiguration;
import io.tokenbroker.bootstrap.config.PostgresOutageConfiguration;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger LOG = LoggerFactory.getLogger(PostgresAdapterFactory.class);

    /** The property whose presence enables the PostgreSQL adapters. */
    public static final String DATASOURCE_URL = "datasources.default.url";

    /** One breaker for every statement of this instance: an outage is one fact, whichever adapter met it. */
    @Singleton
    DatabaseBreaker databaseBreaker(Clock clock, PostgresOutageConfiguration outage, DataSource dataSource,
                                    DataSourceResolver resolver) {
        DatabaseBreaker breaker = new DatabaseBreaker(clock, new DatabaseBreaker.Settings(
                outage.breakerFailureThreshold(), outage.breakerOpenDuration()));
        DataSource pool = resolver.resolve(dataSource);
        // Back from an outage: connections opened before it are dead; new ones replace them as they are asked for.
        breaker.whenReachableAgain(() -> {
            try {
                if (pool.isWrapperFor(HikariDataSource.class)) {
                    pool.unwrap(HikariDataSource.class).getHikariPoolMXBean().softEvictConnections();
                }
            } catch (SQLException notAPool) {
                throw new IllegalStateException(notAPool);
            }
        });
        return breaker;
    }

    @Singleton
    DatabaseProbe databaseProbe(DataSource dataSource, DataSourceResolver resolver, DatabaseBreaker database) {
        // The pool itself: the injected DataSource serves connections only inside micronaut-data's connection scope.
        return new DatabaseProbe(resolver.resolve(dataSource), database);
    }

    @Singleton
    @Bean(typed = JdbcApiKeys.class)
    JdbcApiKeys apiKeys(ApiKeyRepository rows, DatabaseBreaker database) {
        return new JdbcApiKeys(rows, database);
    }

    /** Shared, so one instance's {@code invalid_grant} is every instance's 409 and no one calls that upstream again. */
    @Singleton
    @Bean(typed = JdbcReauthorisations.class)
    JdbcReauthorisations reauthorisations(ReauthorisationRepository rows, DatabaseBreaker database,
                                          PostgresOutageConfiguration outage) {
        return new JdbcReauthorisations(rows, database, outage.rememberedConnections());
    }

    /**
     * Rotations the database cannot take wait durably in Redis when it is configured (any instance writes them back),
     * then in {@code tokenbroker.postgres.pending-dir} when it is set (this instance writes them back).
     */
    @Singleton
    @Bean(typed = JdbcConnections.class)
    JdbcConnections connections(ConnectionRepository rows, Seals cipher, Clock clock, DatabaseBreaker database,
                                PostgresOutageConfiguration outage, BeanProvider<RedisAdapters> redis) {
        List<RotationSlots> durable = new ArrayList<>();
        if (redis.isPresent()) {
            durable.add(redis.get().rotationSlots());
        }
        if (outage.pendingDir() != null && !outage.pendingDir().isBlank()) {
            durable.add(new FileRotationSlots(Path.of(outage.pendingDir())));
        }
        if (durable.isEmpty()) {
            LOG.warn("neither Redis nor tokenbroker.postgres.pending-dir is configured: a refresh token rotated "
                    + "during a database outage is kept in this process's memory only (rotation_at_risk)");
        }
        return new JdbcConnections(rows, cipher, clock, database, durable, outage.rememberedConnections());
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
    PostgresLockManager leases(DataSource dataSource, BeanProvider<Connections> connections, Clock clock,
                               LeaseConfiguration lease) {
        // The vault on first use: it may depend on Redis, whose adapters are built with these leases.
        return new PostgresLockManager(DelegatingDataSource.unwrapDataSource(dataSource),
                key -> connections.get().highestFence(key),
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
