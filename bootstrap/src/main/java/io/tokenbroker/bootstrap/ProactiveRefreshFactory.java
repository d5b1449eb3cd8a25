package io.tokenbroker.bootstrap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.TaskExecutors;
import io.tokenbroker.application.port.in.RefreshDueConnections;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.ProactiveRefreshOutcomes;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.application.service.GetAccessTokenService;
import io.tokenbroker.application.service.ProactiveRefreshService;
import io.tokenbroker.application.service.RefreshDueConnectionsService;
import io.tokenbroker.application.service.ScheduleOffers;
import io.tokenbroker.bootstrap.config.ConnectConfiguration;
import io.tokenbroker.bootstrap.config.RefreshConfiguration;
import io.tokenbroker.bootstrap.config.SchedulerConfiguration;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Refresh-ahead, on unless {@code tokenbroker.scheduler.enabled=false}. The {@link ProactiveRefreshService} is the
 * primary {@code GetAccessToken} and {@code RefreshConnection}: it sees every token handed out, offers it to the
 * {@link RefreshSchedule} and records demand there; {@link ProactiveRefreshTicker} calls
 * {@link RefreshDueConnections} to claim due work (unless {@code tokenbroker.scheduler.ticker.enabled=false}, which
 * tests use to keep the production object graph without background refreshes).
 *
 * <p>Which schedule, {@link AdapterSelection} decides: with Redis one sorted set shared by every instance, claimed
 * atomically, so one connection is refreshed by one instance, and demand is shared so the claimer knows whether
 * anybody served the connection lately; without Redis this process's own. Either way the lease plus the not-yet-due check under it keep a connection from being refreshed twice even when
 * a claim outlives its deadline.
 *
 * <p>Metrics: {@code tokenbroker.scheduler.lag} (timer, how late due entries were claimed),
 * {@code tokenbroker.scheduler.refreshes} by {@code outcome}, and the {@code scheduled} and {@code in_flight} gauges.
 */
@Factory
@Requires(property = "tokenbroker.scheduler.enabled", notEquals = "false")
public class ProactiveRefreshFactory {

    static final String EXECUTOR = "proactive-refresh";
    static final String LAG = "tokenbroker.scheduler.lag";
    static final String REFRESHES = "tokenbroker.scheduler.refreshes";

    /** Daemon threads, as many as the concurrency bound: refreshes never run on the timer's thread. */
    @Singleton
    @Named(EXECUTOR)
    @Bean(preDestroy = "shutdownNow")
    ExecutorService proactiveRefreshExecutor(SchedulerConfiguration scheduler) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(scheduler.concurrency(), runnable -> {
            Thread thread = new Thread(runnable, EXECUTOR + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Singleton
    ProactiveRefreshOutcomes proactiveRefreshOutcomes(MeterRegistry registry) {
        // A few buckets an alert can name ("lag above 30 s"), not Micrometer's seventy-odd default ones.
        Timer lag = Timer.builder(LAG).description("How late due refresh-ahead entries were claimed")
                .serviceLevelObjectives(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30),
                        Duration.ofMinutes(1), Duration.ofMinutes(5))
                .register(registry);
        Map<ProactiveRefreshOutcomes.Outcome, Counter> counters = new EnumMap<>(ProactiveRefreshOutcomes.Outcome.class);
        for (ProactiveRefreshOutcomes.Outcome outcome : ProactiveRefreshOutcomes.Outcome.values()) {
            counters.put(outcome, Counter.builder(REFRESHES).description("Claimed refresh-ahead entries by outcome")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        return new ProactiveRefreshOutcomes() {
            @Override
            public void claimed(Duration late) {
                lag.record(late);
            }

            @Override
            public void finished(Outcome outcome) {
                counters.get(outcome).increment();
            }
        };
    }

    /**
     * What this instance told the schedule: shared by the serving side and the due refreshes. Written on the blocking
     * pool, so a request that records demand never waits for the schedule's store (Redis).
     */
    @Singleton
    ScheduleOffers scheduleOffers(RefreshSchedule schedule, RefreshConfiguration refresh, Clock clock,
                                  @Named(TaskExecutors.BLOCKING) ExecutorService writer) {
        return new ScheduleOffers(schedule, refresh.policy(), clock, writer);
    }

    /** Every token handed out, to a request or a forced refresh, passes through here on its way to the caller. */
    @Singleton
    @Primary
    ProactiveRefreshService proactiveRefresh(GetAccessTokenService tokens, ScheduleOffers offers) {
        return new ProactiveRefreshService(tokens, tokens, offers);
    }

    /**
     * Refreshes through the undecorated token service: what it renews it schedules itself. Built at start-up, not at
     * the ticker's first run, so the scheduler's meters are exported from the first scrape (the dashboard and the
     * alert rules name them) whether or not the ticker runs.
     */
    @Context
    RefreshDueConnections refreshDueConnections(GetAccessTokenService tokens, RefreshSchedule schedule,
                                                ScheduleOffers offers, TokenStore cache, Connections connections,
                                                ConnectionEvents events, ProactiveRefreshOutcomes outcomes,
                                                RefreshConfiguration refresh, Clock clock,
                                                SchedulerConfiguration scheduler, RandomGenerator random,
                                                @Named(EXECUTOR) ExecutorService executor, MeterRegistry registry,
                                                ConnectConfiguration connect) {
        RefreshDueConnectionsService service = new RefreshDueConnectionsService(
                new RefreshDueConnectionsService.Ports(tokens, schedule, cache, connections, events, outcomes), offers,
                refresh.policy(), scheduler.settings(random), connect.warning(), clock,
                wait -> TimeUnit.NANOSECONDS.sleep(wait.toNanos()), executor);
        Gauge.builder("tokenbroker.scheduler.scheduled", schedule::size)
                .description("Connections on the refresh-ahead schedule, queued or claimed (shared with Redis)")
                .register(registry);
        Gauge.builder("tokenbroker.scheduler.in_flight", () -> service.status().inFlight())
                .description("Proactive refreshes running now in this instance").register(registry);
        return service;
    }
}
