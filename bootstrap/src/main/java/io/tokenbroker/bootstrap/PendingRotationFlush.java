package io.tokenbroker.bootstrap;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import io.tokenbroker.adapters.postgres.JdbcConnections;
import io.tokenbroker.adapters.postgres.StorageUnavailableException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rotated refresh tokens held in memory during a database outage as soon as the database is back, even
 * when no request for that connection comes in to trigger it.
 */
@Singleton
@Requires(property = PostgresAdapterFactory.DATASOURCE_URL)
public class PendingRotationFlush {

    private static final Logger LOG = LoggerFactory.getLogger(PendingRotationFlush.class);

    private final JdbcConnections connections;

    public PendingRotationFlush(JdbcConnections connections) {
        this.connections = connections;
    }

    @Scheduled(fixedDelay = "${tokenbroker.postgres.pending-flush-interval:5s}")
    void flush() {
        try {
            int settled = connections.flushPending();
            if (settled > 0) {
                LOG.info("settled {} pending refresh-token rotations", settled);
            }
        } catch (StorageUnavailableException stillDown) {
            LOG.warn("{} rotated refresh tokens still wait for the database: {}", connections.pendingRotations(),
                    stillDown.getMessage());
        }
    }
}
