package io.tokenbroker.bootstrap.health;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.aggregator.DefaultHealthAggregator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.runtime.ApplicationConfiguration;
import jakarta.inject.Singleton;
import java.util.Comparator;
import java.util.List;

/**
 * The status of {@code /health} and its readiness and liveness groups is that of their worst component: {@code DOWN}
 * over {@link PostgresHealthIndicator#DEGRADED} over {@code UP}. Micronaut's own aggregator sorts by
 * {@link HealthStatus#compareTo}, which looks at severity only between statuses that say nothing of being
 * operational, so it holds {@code DEGRADED} and {@code UP} equal and reports whichever component answered last: a
 * database outage showed as {@code UP} whenever the PostgreSQL component (refused at once by the open breaker)
 * answered before the others.
 */
@Singleton
@Replaces(DefaultHealthAggregator.class)
@Requires(beans = HealthEndpoint.class)
public class WorstStatusHealthAggregator extends DefaultHealthAggregator {

    /** Micronaut's order (operational, then unknown, then not operational), then severity, then name: a total one. */
    private static final Comparator<HealthStatus> WORST_LAST = Comparator.<HealthStatus>naturalOrder()
            .thenComparing(status -> status.getSeverity().orElse(0))
            .thenComparing(HealthStatus::getName);

    public WorstStatusHealthAggregator(ApplicationConfiguration applicationConfiguration) {
        super(applicationConfiguration);
    }

    @Override
    protected HealthStatus calculateOverallStatus(List<HealthResult> results) {
        return results.stream().map(HealthResult::getStatus).max(WORST_LAST).orElse(HealthStatus.UNKNOWN);
    }
}
