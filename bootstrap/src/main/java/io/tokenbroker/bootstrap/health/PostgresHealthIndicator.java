package io.tokenbroker.bootstrap.health;

import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.scheduling.TaskExecutors;
import io.tokenbroker.adapters.postgres.DatabaseBreaker;
import io.tokenbroker.adapters.postgres.DatabaseProbe;
import io.tokenbroker.adapters.postgres.JdbcConnections;
import io.tokenbroker.bootstrap.PostgresAdapterFactory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * PostgreSQL as a health component: UP while it answers, {@code DEGRADED} while it does not. Degraded is operational:
 * the instance still serves tokens (cached ones, and refreshes of the connections it remembers), so readiness stays
 * up and a load balancer does not take every instance out at once during a database outage; what needs the database
 * answers 503 meanwhile. Replaces Micronaut's JDBC indicator ({@code endpoints.health.jdbc.enabled: false}), which
 * would fail readiness. Details (for authenticated callers): the breaker's state and the rotations waiting here.
 */
@Singleton
@Requires(property = PostgresAdapterFactory.DATASOURCE_URL)
public class PostgresHealthIndicator extends StatelessHealthIndicator {

    /** Operational, between UP and DOWN in severity: serving, with less than it should have. */
    public static final HealthStatus DEGRADED = new HealthStatus("DEGRADED",
            "PostgreSQL is unavailable; serving from memory what this instance already read", true, 1);

    static final String NAME = "postgres";

    private final DatabaseProbe probe;
    private final DatabaseBreaker breaker;
    private final JdbcConnections connections;

    public PostgresHealthIndicator(DatabaseProbe probe, DatabaseBreaker breaker, JdbcConnections connections,
                                   @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        super(NAME, blocking);
        this.probe = probe;
        this.breaker = breaker;
        this.connections = connections;
    }

    @Override
    protected Reading read() {
        HealthStatus status = probe.reachable() ? HealthStatus.UP : DEGRADED;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("breaker", breaker.state().name().toLowerCase(Locale.ROOT));
        details.put("pending_rotations", connections.pendingRotations());
        details.put("outages", breaker.outages());
        return new Reading(status, details);
    }
}
