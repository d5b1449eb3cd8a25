package io.tokenbroker.bootstrap.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.tokenbroker.adapters.redis.RedisAdapters;
import io.tokenbroker.adapters.redis.RedisOutage;
import jakarta.inject.Singleton;

/**
 * Redis outages as metrics (the log says it once per outage; alerts need a number): whether Redis is down now, how
 * many outages began, how many calls failed and how many were skipped while it was down (served fail-open), and
 * how many sealed values did not open (a copied or tampered value, or a key removed before {@code re-encrypt}).
 */
@Factory
@Requires(beans = RedisAdapters.class)
public class RedisMetrics {

    /** Marker that the meters are registered. */
    public record Registered() {
    }

    @Context
    @Singleton
    Registered redisMeters(MeterRegistry registry, RedisAdapters redis) {
        RedisOutage outage = redis.outage();
        Gauge.builder("tokenbroker.redis.down", () -> outage.isDown() ? 1 : 0)
                .description("1 while Redis is unreachable and the broker fails open").register(registry);
        FunctionCounter.builder("tokenbroker.redis.outages", outage, RedisOutage::outages)
                .description("Redis outages that began since start").register(registry);
        FunctionCounter.builder("tokenbroker.redis.failed.calls", outage, RedisOutage::failedCalls)
                .description("Redis calls that failed or timed out").register(registry);
        FunctionCounter.builder("tokenbroker.redis.skipped.calls", outage, RedisOutage::skippedCalls)
                .description("Redis calls not attempted while it was down (answered fail-open)").register(registry);
        FunctionCounter.builder("tokenbroker.redis.sealed.refused", redis, RedisAdapters::refusedValues)
                .description("values read from Redis that did not open (copied, tampered, unknown key): misses")
                .register(registry);
        return new Registered();
    }
}
