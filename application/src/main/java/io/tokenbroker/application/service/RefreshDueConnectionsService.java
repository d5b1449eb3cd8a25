package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.application.port.in.ConnectRequiredException;
import io.tokenbroker.application.port.in.ReauthorisationNeededException;
import io.tokenbroker.application.port.in.RefreshConnection;
import io.tokenbroker.application.port.in.RefreshConnection.Command;
import io.tokenbroker.application.port.in.RefreshConnection.Reason;
import io.tokenbroker.application.port.in.RefreshDueConnections;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.Pause;
import io.tokenbroker.application.port.out.ProactiveRefreshOutcomes;
import io.tokenbroker.application.port.out.ProactiveRefreshOutcomes.Outcome;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.port.out.RefreshSchedule.Claim;
import io.tokenbroker.application.port.out.RefreshSchedule.Entry;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.application.service.ClaimTriage.Job;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ReconnectWarning;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Renews tokens at their refresh-ahead point so that callers in steady state never wait for an upstream. The serving
 * side ({@link ProactiveRefreshService}) puts every token handed out on the {@link RefreshSchedule}; with a shared
 * schedule every instance does, and {@link #refreshDue} on any instance claims what is due, soonest first, and what
 * falls due before its next look ({@link ProactiveRefreshSettings#lookAhead}), whose refresh a worker starts at the
 * due time: so a token is renewed when due, whatever the tick.
 *
 * <p>At most {@code concurrency} claimed entries are worked on at once per instance, on the executor; a worker that
 * finishes takes the next due entry itself, so a backlog drains at the upstream's pace rather than a few entries per
 * tick. The caller's thread only claims: whatever may touch the database ({@link ClaimTriage} reading an idle
 * connection's refresh token expiry) runs on a worker, so a database outage slows refreshes but never stops the
 * ticks. Failures are {@link FailedRefreshes}'s.
 *
 * <p>Proactive refreshes go through {@link RefreshConnection} with reason PROACTIVE, which under the lease skips the
 * upstream when another holder has already renewed the token: an entry claimed twice (a claim that outlived its
 * deadline) still costs one upstream call.
 */
public final class RefreshDueConnectionsService implements RefreshDueConnections {

    private static final System.Logger LOG = System.getLogger(RefreshDueConnectionsService.class.getName());

    /** A claim and when it was made, which its lag is measured against. */
    private record Claimed(Claim claim, Instant at) {
    }

    private final RefreshConnection refresher;
    private final RefreshSchedule schedule;
    private final ScheduleOffers offers;
    private final ProactiveRefreshOutcomes outcomes;
    private final RefreshPolicy policy;
    private final Clock clock;
    private final ProactiveRefreshSettings settings;
    private final Pause pause;
    private final Executor executor;
    private final ClaimTriage triage;
    private final FailedRefreshes failures;
    private final ReconnectWarnings reconnectWarnings;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile Instant lastRun;
    private volatile Optional<Duration> lastLag = Optional.empty();

    /**
     * What the service talks to.
     *
     * @param refresher   the token service's forced refresh (not the serving decorator: what is renewed here is
     *                    scheduled here)
     * @param cache       read to see whether another holder renewed a token whose refresh failed here
     * @param connections read for the refresh token's expiry of idle connections, and the reconnect warning's mark
     */
    public record Ports(RefreshConnection refresher, RefreshSchedule schedule, TokenStore cache,
                        Connections connections, ConnectionEvents events, ProactiveRefreshOutcomes outcomes) {
        public Ports {
            Objects.requireNonNull(refresher, "refresher");
            Objects.requireNonNull(schedule, "schedule");
            Objects.requireNonNull(cache, "cache");
            Objects.requireNonNull(connections, "connections");
            Objects.requireNonNull(events, "events");
            Objects.requireNonNull(outcomes, "outcomes");
        }
    }

    /**
     * @param offers   shared with the serving side, which then need not offer a token renewed here again
     * @param warning  when an idle connection's refresh token that keep-alive cannot extend is announced
     *                 ({@link ReconnectWarning#NONE}: idle connections are kept alive, never probed)
     * @param pause    lets a worker wait for the due time of an entry claimed ahead of it
     * @param executor runs the workers
     */
    public RefreshDueConnectionsService(Ports ports, ScheduleOffers offers, RefreshPolicy policy,
                                        ProactiveRefreshSettings settings, ReconnectWarning warning, Clock clock,
                                        Pause pause, Executor executor) {
        this.refresher = ports.refresher();
        this.schedule = ports.schedule();
        this.offers = Objects.requireNonNull(offers, "offers");
        this.outcomes = ports.outcomes();
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.pause = Objects.requireNonNull(pause, "pause");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.triage = new ClaimTriage(schedule, offers, ports.connections(), outcomes, settings,
                Objects.requireNonNull(warning, "warning"));
        this.reconnectWarnings = new ReconnectWarnings(ports.connections(), ports.events(), warning, clock);
        this.failures = new FailedRefreshes(schedule, ports.cache(), ports.events(), policy, settings.backoff(), clock);
        this.lastRun = clock.instant();
    }

    /**
     * The worker decides what a claim needs (a refresh, or parking or dropping an idle connection, which may read the
     * database), so this only waits for the schedule's store.
     */
    @Override
    public int refreshDue() {
        // What this instance's requests offered must be in the schedule before it is read.
        offers.flush();
        Instant now = clock.instant();
        lastRun = now;
        int started = 0;
        int free = settings.concurrency() - inFlight.get();
        if (free > 0) {
            for (Claim claim : claimAhead(now, free)) {
                inFlight.incrementAndGet();
                try {
                    Claimed claimed = new Claimed(claim, now);
                    executor.execute(() -> work(claimed));
                    started++;
                } catch (RejectedExecutionException shuttingDown) {
                    inFlight.decrementAndGet();
                    // Handed back as it was: another instance (or this one after a restart) takes it.
                    schedule.schedule(claim.entry());
                }
            }
        }
        // Again at the end: a claim that waited a command timeout for the store is still a live ticker.
        lastRun = clock.instant();
        return started;
    }

    @Override
    public Status status() {
        return new Status(inFlight.get(), lastRun, lastLag);
    }

    /** Works on a claim, then keeps taking due entries while there are any, holding one slot throughout. */
    private void work(Claimed first) {
        try {
            Optional<Claimed> claimed = Optional.of(first);
            while (claimed.isPresent()) {
                // Judged as of when the work starts: an idle connection's keep-alive claimed ahead is due by then.
                Instant startAt = startAt(claimed.get());
                Optional<Job> job = triage.triage(lagged(claimed.get()), startAt);
                if (job.isPresent() && dueAt(job.get(), startAt)) {
                    refresh(job.get(), claimed.get().at());
                }
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                claimed = next();
            }
        } catch (RuntimeException unexpected) {
            // Whatever was claimed and not completed comes back when its claim runs out. An interrupted worker is
            // the executor shutting down, not a failure worth an error line.
            if (!Thread.currentThread().isInterrupted()) {
                LOG.log(Level.ERROR, "a proactive refresh worker stopped", unexpected);
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** The entry's due time if it was claimed ahead of it, else the claim's. */
    private static Instant startAt(Claimed claimed) {
        Instant due = claimed.claim().entry().due();
        return due.isAfter(claimed.at()) ? due : claimed.at();
    }

    /**
     * Waits until {@code startAt}: a proactive refresh started before the token is due would find it not due under
     * the lease and leave it. False when the worker was stopped meanwhile; the entry is then handed back.
     */
    private boolean dueAt(Job job, Instant startAt) {
        Duration wait = Duration.between(clock.instant(), startAt);
        if (wait.isNegative() || wait.isZero()) {
            return true;
        }
        try {
            pause.pause(wait);
            return true;
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            handBack(job.entry());
            return false;
        }
    }

    /** Records how late the claim was taken, and returns it. */
    private Claim lagged(Claimed claimed) {
        Instant due = claimed.claim().entry().due();
        Duration lag = due.isBefore(claimed.at()) ? Duration.between(due, claimed.at()) : Duration.ZERO;
        lastLag = Optional.of(lag);
        outcomes.claimed(lag);
        return claimed.claim();
    }

    private Optional<Claimed> next() {
        Instant now = clock.instant();
        List<Claim> claims = claimAhead(now, 1);
        return claims.isEmpty() ? Optional.empty() : Optional.of(new Claimed(claims.get(0), now));
    }

    /**
     * What falls due before the next look, claimed now: waiting for the first tick after the due time would spend up
     * to a tick of the margin between the refresh-ahead point and the end of the servable window (2 s on a 20 s
     * token), and callers miss once the refresh needs the rest. Every instance judges at the same look-ahead and
     * claims for that much longer, so a claim still outlives {@code claimFor} as seen by the others.
     */
    private List<Claim> claimAhead(Instant now, int max) {
        Instant horizon = now.plus(settings.lookAhead());
        return schedule.claimDue(horizon, max, horizon.plus(settings.claimFor()));
    }

    private void refresh(Job job, Instant claimedAt) {
        ConnectionKey key = job.entry().key();
        try {
            Instant started = clock.instant();
            AccessToken token = refresher.refresh(new Command(key, Reason.PROACTIVE));
            reconnectWarnings.keptAlive(job, token, started);
            Instant now = clock.instant();
            traced(job.entry(), claimedAt, started, now, token);
            Instant ahead = policy.refreshAheadAt(token);
            Instant next = ahead.isAfter(now) ? ahead : now.plus(FailedRefreshes.MIN_DELAY);
            offers.renewed(key, ahead);
            schedule.schedule(Entry.forToken(key, token, next));
            outcomes.finished(job.keepAlive() ? Outcome.KEPT_ALIVE : Outcome.REFRESHED);
        } catch (ConnectionNotFoundException | ReauthorisationNeededException | ConnectRequiredException cannotHeal) {
            // Removed, or waiting for a tenant (or its user's consent): retrying would only spend upstream calls.
            offers.forget(key);
            outcomes.finished(Outcome.GONE);
        } catch (RuntimeException failed) {
            if (Thread.currentThread().isInterrupted() || failed instanceof CancellationException) {
                handBack(job.entry());
                return;
            }
            failures.backOff(job, failed);
            reconnectWarnings.failed(job);
            outcomes.finished(Outcome.FAILED);
        }
    }

    /**
     * At DEBUG, one line per refresh-ahead: when it was due, claimed, started and done, and the token it left (a token
     * issued before the start is one another holder had renewed). What a timeline of late renewals is built from.
     */
    private static void traced(Entry entry, Instant claimedAt, Instant started, Instant done, AccessToken token) {
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "refresh-ahead {0}: due {1}, claimed {2}, started {3}, done {4}, token issued {5}",
                    entry.key(), entry.due(), claimedAt, started, done, token.issuedAt());
        }
    }

    /**
     * The worker is being stopped (the executor shuts down): the refresh did not fail, so no failure is counted and
     * no expiry is announced; the entry goes back as it was, for another instance to take at once. The interrupt is
     * set aside for that one write, which would otherwise be refused, and then restored.
     */
    private void handBack(Entry entry) {
        Thread.interrupted();
        try {
            schedule.schedule(entry);
        } finally {
            Thread.currentThread().interrupt();
        }
    }
}
