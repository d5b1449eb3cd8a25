package io.tokenbroker.bootstrap;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import io.tokenbroker.adapters.postgres.DatabaseBreaker;
import io.tokenbroker.adapters.postgres.DatabaseProbe;
import io.tokenbroker.adapters.postgres.JdbcConnections;
import io.tokenbroker.adapters.postgres.StorageUnavailableException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rotated refresh tokens held during a database outage (in this instance's memory, and those any instance left
 * in Redis or this instance left in its pending directory) as soon as the database is back, even when no request for
 * that connection comes in to trigger it. While the database is down it also probes it, so an idle instance notices
 * the return.
 */
@Singleton
@Requires(property = PostgresAdapterFactory.DATASOURCE_URL)
public class PendingRotationFlush {

    private static final Logger LOG = LoggerFactory.getLogger(PendingRotationFlush.class);

    private final JdbcConnections connections;
    private final DatabaseBreaker breaker;
    private final DatabaseProbe probe;

    public PendingRotationFlush(JdbcConnections connections, DatabaseBreaker breaker, DatabaseProbe probe) {
        this.connections = connections;
        this.breaker = breaker;
        this.probe = probe;
    }

    @Scheduled(fixedDelay = "${tokenbroker.postgres.pending-flush-interval:5s}")
    void flush() {
        if (breaker.isDown() && !probe.reachable()) {
            if (connections.pendingRotations() > 0) {
                LOG.warn("{} rotated refresh tokens still wait for the database", connections.pendingRotations());
            }
            return;
        }
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
