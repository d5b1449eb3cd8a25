package io.tokenbroker.bootstrap.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.tokenbroker.adapters.postgres.DatabaseBreaker;
import io.tokenbroker.adapters.postgres.JdbcConnections;
import io.tokenbroker.bootstrap.PostgresAdapterFactory;
import jakarta.inject.Singleton;

/**
 * PostgreSQL outages as metrics, like Redis's (the log says it once per outage; alerts need a number): whether the
 * database is down now, how many outages began, statements that failed and statements the breaker refused at once,
 * rotated refresh tokens waiting for the database in this instance, and those no durable place took
 * ({@code rotation_at_risk}).
 */
@Factory
@Requires(property = PostgresAdapterFactory.DATASOURCE_URL)
public class PostgresMetrics {

    /** Marker that the meters are registered. */
    public record Registered() {
    }

    @Context
    @Singleton
    Registered postgresMeters(MeterRegistry registry, DatabaseBreaker breaker, JdbcConnections connections) {
        Gauge.builder("tokenbroker.postgres.down", () -> breaker.isDown() ? 1 : 0)
                .description("1 while PostgreSQL is unreachable and the broker serves from memory").register(registry);
        FunctionCounter.builder("tokenbroker.postgres.outages", breaker, DatabaseBreaker::outages)
                .description("PostgreSQL outages that began since start").register(registry);
        FunctionCounter.builder("tokenbroker.postgres.failed.calls", breaker, DatabaseBreaker::failedCalls)
                .description("PostgreSQL statements that failed or timed out").register(registry);
        FunctionCounter.builder("tokenbroker.postgres.refused.calls", breaker, DatabaseBreaker::refusedCalls)
                .description("statements refused at once by the open database breaker").register(registry);
        Gauge.builder("tokenbroker.postgres.pending.rotations", connections, JdbcConnections::pendingRotations)
                .description("rotated refresh tokens in this instance waiting for the database").register(registry);
        FunctionCounter.builder("tokenbroker.postgres.rotations.at.risk", connections,
                        JdbcConnections::rotationsAtRisk)
                .description("rotated refresh tokens no durable place took (rotation_at_risk)").register(registry);
        return new Registered();
    }
}
