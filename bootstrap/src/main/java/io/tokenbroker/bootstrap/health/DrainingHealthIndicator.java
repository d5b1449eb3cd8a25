package io.tokenbroker.bootstrap.health;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.micronaut.management.health.indicator.annotation.Readiness;
import io.tokenbroker.bootstrap.shutdown.Draining;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * Readiness {@code DOWN} from the moment the instance begins to stop ({@code shutdown} component), so load balancers
 * stop sending it requests while it still serves the ones that arrive meanwhile. Liveness is untouched: a restart
 * now would cut the drain short.
 */
@Singleton
@Readiness
public class DrainingHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {

    static final String NAME = "shutdown";

    private final Draining draining;

    public DrainingHealthIndicator(Draining draining) {
        this.draining = draining;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        boolean stopping = draining.isDraining();
        healthStatus = stopping ? HealthStatus.DOWN : HealthStatus.UP;
        return Map.of("draining", stopping);
    }

    @Override
    protected String getName() {
        return NAME;
    }
}
