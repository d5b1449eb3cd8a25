package io.tokenbroker.bootstrap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Requires;
import io.tokenbroker.application.inmemory.InMemoryRefreshSchedule;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.service.GetAccessTokenService;
import io.tokenbroker.application.service.ProactiveRefreshService;
import io.tokenbroker.bootstrap.config.RefreshConfiguration;
import io.tokenbroker.bootstrap.config.SchedulerConfiguration;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Refresh-ahead, on unless {@code tokenbroker.scheduler.enabled=false}. The {@link ProactiveRefreshService} is the
 * primary {@code GetAccessToken} and {@code RefreshConnection}: it sees every token handed out and schedules it. The
 * schedule is per process (in memory); several instances each keep their own, and the lease plus the not-yet-due
 * check under it keep them from refreshing one connection twice.
 */
@Factory
@Requires(property = "tokenbroker.scheduler.enabled", notEquals = "false")
public class ProactiveRefreshFactory {

    static final String EXECUTOR = "proactive-refresh";

    @Singleton
    RefreshSchedule refreshSchedule() {
        return new InMemoryRefreshSchedule();
    }

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
    @Primary
    ProactiveRefreshService proactiveRefresh(GetAccessTokenService tokens, RefreshSchedule schedule,
                                             RefreshConfiguration refresh, Clock clock,
                                             SchedulerConfiguration scheduler, RandomGenerator random,
                                             @Named(EXECUTOR) ExecutorService executor, MeterRegistry registry) {
        ProactiveRefreshService service = new ProactiveRefreshService(tokens, tokens, schedule, refresh.policy(),
                clock, scheduler.settings(random), executor);
        Gauge.builder("tokenbroker.scheduler.scheduled", schedule::size)
                .description("Connections waiting for their refresh-ahead point").register(registry);
        Gauge.builder("tokenbroker.scheduler.in_flight", service::inFlight)
                .description("Proactive refreshes running now").register(registry);
        return service;
    }
}
