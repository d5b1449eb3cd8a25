package io.tokenbroker.bootstrap;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.tokenbroker.bootstrap.AdapterSelection.Adapter;
import io.tokenbroker.bootstrap.config.LeaseConfiguration;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds the connections leases may hold through PostgreSQL ({@code tokenbroker.lease.postgres-connections}) to the
 * pool's {@code maximum-pool-size}, before the pool is built: a lease holds its connection for the whole refresh it
 * guards, and the refresh then needs another to store the rotated token. Without the addition, leases taken while
 * Redis is down could hold every connection and the refreshes under them would wait for the pool until they fail.
 * {@code maximum-pool-size} thus stays what the broker's statements get.
 */
@Singleton
@Requires(property = PostgresAdapterFactory.DATASOURCE_URL)
final class LeaseConnectionsInPool implements BeanCreatedEventListener<DatasourceConfiguration> {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseConnectionsInPool.class);

    private final AdapterSelection selection;
    private final LeaseConfiguration lease;

    LeaseConnectionsInPool(AdapterSelection selection, LeaseConfiguration lease) {
        this.selection = selection;
        this.lease = lease;
    }

    @Override
    public DatasourceConfiguration onCreated(BeanCreatedEvent<DatasourceConfiguration> event) {
        DatasourceConfiguration pool = event.getBean();
        if ("default".equals(pool.getName()) && selection.leasesWhileRedisIsDown() == Adapter.POSTGRES) {
            int statements = pool.getMaximumPoolSize();
            pool.setMaximumPoolSize(statements + lease.postgresConnections());
            LOG.info("datasource pool: {} connections for statements + {} for leases while Redis is down = {}",
                    statements, lease.postgresConnections(), pool.getMaximumPoolSize());
        }
        return pool;
    }
}
