package io.tokenbroker.bootstrap;

import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.runtime.event.annotation.EventListener;
import io.tokenbroker.bootstrap.config.PostgresOutageConfiguration;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what a request can wait for PostgreSQL, so an outage answers in about a second instead of Hikari's 30 s:
 * the pool's connection timeout ({@code tokenbroker.postgres.connection-timeout} unless
 * {@code datasources.default.connection-timeout} is set) and the server's {@code statement_timeout} on the broker's
 * connections (unless {@code datasources.default.data-source-properties.options} is set). Migrations must not be
 * cut short by it: Flyway's connections set it to 0 ({@code flyway.datasources.default.init-sql}), and once they are
 * done the pool's connections are evicted, so every connection serving requests starts anew with the bound.
 */
@Singleton
@Requires(property = PostgresAdapterFactory.DATASOURCE_URL)
public class PostgresTimeouts implements BeanCreatedEventListener<DatasourceConfiguration> {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresTimeouts.class);

    private final PostgresOutageConfiguration settings;
    private final Environment environment;

    public PostgresTimeouts(PostgresOutageConfiguration settings, Environment environment) {
        this.settings = settings;
        this.environment = environment;
    }

    @Override
    public DatasourceConfiguration onCreated(BeanCreatedEvent<DatasourceConfiguration> event) {
        DatasourceConfiguration pool = event.getBean();
        if (!environment.containsProperty("datasources." + pool.getName() + ".connection-timeout")) {
            pool.setConnectionTimeout(settings.connectionTimeout().toMillis());
            pool.setValidationTimeout(Math.min(pool.getValidationTimeout(), settings.connectionTimeout().toMillis()));
        }
        long statementMillis = settings.statementTimeout().toMillis();
        if (statementMillis > 0 && !pool.getDataSourceProperties().containsKey("options")) {
            pool.addDataSourceProperty("options", "-c statement_timeout=" + statementMillis);
        }
        return pool;
    }

    /** Connections Flyway used (statement timeout 0) are replaced by fresh ones with the bound. */
    @EventListener
    void afterMigrations(StartupEvent started) {
        DataSource dataSource = started.getSource().getBean(DataSourceResolver.class)
                .resolve(started.getSource().getBean(DataSource.class));
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
                if (pool.getHikariPoolMXBean() != null) {
                    pool.getHikariPoolMXBean().softEvictConnections();
                }
            }
        } catch (SQLException notHikari) {
            LOG.warn("could not renew the pool's connections after the migrations: {}", notHikari.getMessage());
        }
    }
}
