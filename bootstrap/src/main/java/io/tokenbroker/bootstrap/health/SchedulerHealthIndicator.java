package io.tokenbroker.bootstrap.health;

import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.annotation.Liveness;
import io.micronaut.scheduling.TaskExecutors;
import io.tokenbroker.application.port.in.RefreshDueConnections;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.bootstrap.ProactiveRefreshTicker;
import io.tokenbroker.bootstrap.config.SchedulerConfiguration;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * The refresh-ahead scheduler as a liveness indicator: DOWN only when its ticker has not run for
 * {@link SchedulerConfiguration#staleAfter()} (a stuck timer thread, which a restart fixes). Never in readiness: a
 * scheduler that stopped makes callers wait for upstreams at expiry, it does not make requests fail, and readiness
 * fails only on what would. Micronaut puts a {@link Liveness} indicator in {@code /health} and
 * {@code /health/liveness}, and leaves it out of {@code /health/readiness}.
 *
 * <p>Details (for authenticated callers): entries on the schedule (shared when Redis is configured), refreshes in
 * flight in this instance, the last tick and how late the last claimed entry was taken. Absent without the ticker:
 * nothing would tick, and its absence is not a fault.
 */
@Singleton
@Liveness
@Requires(property = "tokenbroker.scheduler.enabled", notEquals = "false")
@Requires(property = ProactiveRefreshTicker.ENABLED, notEquals = "false")
public class SchedulerHealthIndicator extends StatelessHealthIndicator {

    static final String NAME = "scheduler";

    private final RefreshDueConnections scheduler;
    private final RefreshSchedule schedule;
    private final Clock clock;
    private final Duration staleAfter;

    public SchedulerHealthIndicator(RefreshDueConnections scheduler, RefreshSchedule schedule, Clock clock,
                                    SchedulerConfiguration configuration,
                                    @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        super(NAME, blocking);
        this.scheduler = scheduler;
        this.schedule = schedule;
        this.clock = clock;
        this.staleAfter = configuration.staleAfter();
    }

    @Override
    protected Reading read() {
        RefreshDueConnections.Status status = scheduler.status();
        Instant lastTick = status.lastRun();
        boolean stuck = Duration.between(lastTick, clock.instant()).compareTo(staleAfter) > 0;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("scheduled", schedule.size());
        details.put("in_flight", status.inFlight());
        details.put("last_tick", lastTick.toString());
        status.lastLag().ifPresent(lag -> details.put("last_lag_ms", lag.toMillis()));
        details.put("stale_after", staleAfter.toString());
        return new Reading(stuck ? HealthStatus.DOWN : HealthStatus.UP, details);
    }
}
