package io.tokenbroker.bootstrap.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.tokenbroker.adapters.postgres.DatabaseBreaker;
import io.tokenbroker.adapters.postgres.JdbcConnections;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * PostgreSQL outages as metrics, like Redis's (the log says it once per outage; alerts need a number): whether the
 * database is down now, how many outages began, statements that failed and statements the breaker refused at once,
 * rotated refresh tokens waiting for the database in this instance, and those no durable place took
 * ({@code rotation_at_risk}). Registered without PostgreSQL too (always 0), so alert rules and dashboards do not
 * depend on the deployment.
 */
@Factory
public class PostgresMetrics {

    /**
     * Marker that the meters are registered; holds what they read, since a function counter holds its object only
     * weakly and this bean lives as long as the context.
     */
    public record Registered(Optional<DatabaseBreaker> breaker, Optional<JdbcConnections> connections) {
    }

    @Context
    @Singleton
    Registered postgresMeters(MeterRegistry registry, Optional<DatabaseBreaker> breaker,
                              Optional<JdbcConnections> connections) {
        Registered registered = new Registered(breaker, connections);
        Gauge.builder("tokenbroker.postgres.down", () -> breaker.map(DatabaseBreaker::isDown).orElse(false) ? 1 : 0)
                .description("1 while PostgreSQL is unreachable and the broker serves from memory").register(registry);
        counter(registry, "tokenbroker.postgres.outages", registered, Registered::breaker, DatabaseBreaker::outages,
                "PostgreSQL outages that began since start");
        counter(registry, "tokenbroker.postgres.failed.calls", registered, Registered::breaker,
                DatabaseBreaker::failedCalls,
                "PostgreSQL statements that failed or timed out");
        counter(registry, "tokenbroker.postgres.refused.calls", registered, Registered::breaker,
                DatabaseBreaker::refusedCalls,
                "statements refused at once by the open database breaker");
        Gauge.builder("tokenbroker.postgres.pending.rotations",
                        () -> connections.map(JdbcConnections::pendingRotations).orElse(0))
                .description("rotated refresh tokens in this instance waiting for the database").register(registry);
        counter(registry, "tokenbroker.postgres.rotations.at.risk", registered, Registered::connections,
                JdbcConnections::rotationsAtRisk,
                "rotated refresh tokens no durable place took (rotation_at_risk)");
        return registered;
    }

    private static <T> void counter(MeterRegistry registry, String name, Registered registered,
                                    Function<Registered, Optional<T>> source, ToDoubleFunction<T> count,
                                    String description) {
        FunctionCounter.builder(name, registered,
                        held -> source.apply(held).map(count::applyAsDouble).orElse(0.0))
                .description(description).register(registry);
    }
}
