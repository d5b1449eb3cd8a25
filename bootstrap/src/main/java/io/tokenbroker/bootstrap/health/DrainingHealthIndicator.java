package io.tokenbroker.bootstrap.health;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.annotation.Readiness;
import io.micronaut.scheduling.TaskExecutors;
import io.tokenbroker.bootstrap.shutdown.Draining;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Readiness {@code DOWN} from the moment the instance begins to stop ({@code shutdown} component), so load balancers
 * stop sending it requests while it still serves the ones that arrive meanwhile. Liveness is untouched: a restart
 * now would cut the drain short.
 */
@Singleton
@Readiness
public class DrainingHealthIndicator extends StatelessHealthIndicator {

    static final String NAME = "shutdown";

    private final Draining draining;

    public DrainingHealthIndicator(Draining draining, @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        super(NAME, blocking);
        this.draining = draining;
    }

    @Override
    protected Reading read() {
        boolean stopping = draining.isDraining();
        return new Reading(stopping ? HealthStatus.DOWN : HealthStatus.UP, Map.of("draining", stopping));
    }
}
