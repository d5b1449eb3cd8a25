package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.ReauthorisationNeededException;
import io.tokenbroker.application.port.in.RefreshConnection;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.Backoff;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Renews tokens at their refresh-ahead point so that callers in steady state never wait for an upstream. It sits in
 * front of the token service: every token it hands out (to a request or a forced refresh) is scheduled at
 * {@link RefreshPolicy#refreshAheadAt}; {@link #runDue} takes what is due, soonest first, and refreshes it with at
 * most {@code concurrency} refreshes in flight. A failed refresh is tried again after full-jitter backoff; a
 * connection nobody asked for within {@code idleAfter} is dropped from the schedule (its next request schedules it
 * again), so abandoned connections do not cost upstream calls forever.
 *
 * <p>Proactive refreshes go through {@link RefreshConnection} with reason PROACTIVE, which under the lease skips the
 * upstream when another holder (instance) has already renewed the token: several schedules never double-refresh.
 * Demand is tracked per process.
 */
public final class ProactiveRefreshService implements GetAccessToken, RefreshConnection {

    private static final System.Logger LOG = System.getLogger(ProactiveRefreshService.class.getName());
    private static final Duration DEMAND_RESOLUTION = Duration.ofMinutes(1);

    /** Scheduler settings. */
    public record Settings(Duration idleAfter, int concurrency, Backoff backoff) {
        public Settings {
            Objects.requireNonNull(idleAfter, "idleAfter");
            Objects.requireNonNull(backoff, "backoff");
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1");
            }
        }
    }

    private final GetAccessToken tokens;
    private final RefreshConnection refresher;
    private final RefreshSchedule schedule;
    private final RefreshPolicy policy;
    private final Clock clock;
    private final Settings settings;
    private final Executor executor;
    private final ConcurrentMap<ConnectionKey, Instant> lastAsked = new ConcurrentHashMap<>();
    // What each connection is scheduled for, so a cache hit does not touch the schedule again.
    private final ConcurrentMap<ConnectionKey, Instant> scheduledFor = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    public ProactiveRefreshService(GetAccessToken tokens, RefreshConnection refresher, RefreshSchedule schedule,
                                   RefreshPolicy policy, Clock clock, Settings settings, Executor executor) {
        this.tokens = tokens;
        this.refresher = refresher;
        this.schedule = schedule;
        this.policy = policy;
        this.clock = clock;
        this.settings = settings;
        this.executor = executor;
    }

    @Override
    public AccessToken get(Query query) {
        AccessToken token = tokens.get(query);
        // Cache hits must stay read-only: demand is kept to the minute, so most requests write nothing.
        Instant now = clock.instant();
        Instant asked = lastAsked.get(query.key());
        if (asked == null || Duration.between(asked, now).compareTo(DEMAND_RESOLUTION) >= 0) {
            lastAsked.put(query.key(), now);
        }
        scheduleAhead(query.key(), token);
        return token;
    }

    @Override
    public AccessToken refresh(Command command) {
        AccessToken token = refresher.refresh(command);
        scheduleAhead(command.key(), token);
        return token;
    }

    // Keyed on the token's refresh-ahead point: the same token seen again (a cache hit, or the old token served
    // while a failed proactive refresh backs off) leaves the schedule alone; only a new token reschedules.
    private void scheduleAhead(ConnectionKey key, AccessToken token) {
        Instant ahead = policy.refreshAheadAt(token);
        if (!ahead.equals(scheduledFor.get(key))) {
            scheduledFor.put(key, ahead);
            schedule.schedule(new RefreshSchedule.Entry(key, ahead, 0));
        }
    }

    /**
     * Starts the refreshes that are due, as many as free slots allow, and returns how many it started. Never blocks
     * on a refresh: they run on the executor. Call it on a timer.
     */
    public int runDue() {
        Instant now = clock.instant();
        int free = settings.concurrency() - inFlight.get();
        if (free <= 0) {
            return 0;
        }
        int started = 0;
        for (RefreshSchedule.Entry entry : schedule.claimDue(now, free)) {
            Instant asked = lastAsked.get(entry.key());
            if (asked == null || Duration.between(asked, now).compareTo(settings.idleAfter()) > 0) {
                forget(entry.key());
                continue;
            }
            inFlight.incrementAndGet();
            try {
                executor.execute(() -> refreshOne(entry));
                started++;
            } catch (RejectedExecutionException shuttingDown) {
                inFlight.decrementAndGet();
                schedule.schedule(entry);
            }
        }
        return started;
    }

    /** Refreshes in flight right now. */
    public int inFlight() {
        return inFlight.get();
    }

    private void refreshOne(RefreshSchedule.Entry entry) {
        ConnectionKey key = entry.key();
        try {
            AccessToken token = refresher.refresh(new Command(key, Reason.PROACTIVE));
            Instant ahead = policy.refreshAheadAt(token);
            scheduledFor.put(key, ahead);
            schedule.schedule(new RefreshSchedule.Entry(key, ahead, 0));
        } catch (ConnectionNotFoundException | ReauthorisationNeededException cannotHeal) {
            // Removed, or waiting for a tenant: retrying would only spend upstream calls.
            forget(key);
        } catch (RuntimeException failed) {
            int failures = entry.failures() + 1;
            Instant retryAt = clock.instant().plus(settings.backoff().delayBefore(failures));
            // scheduledFor keeps the old token's point, so requests still served that token do not undo the backoff.
            schedule.schedule(new RefreshSchedule.Entry(key, retryAt, failures));
            LOG.log(Level.WARNING, "proactive refresh of {0} failed ({1} in a row), next try at {2}: {3}", key,
                    failures, retryAt, failed.getClass().getSimpleName());
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void forget(ConnectionKey key) {
        lastAsked.remove(key);
        scheduledFor.remove(key);
        schedule.remove(key);
    }
}
