package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.ReauthorisationNeededException;
import io.tokenbroker.application.port.in.RefreshConnection;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.ProactiveRefreshOutcomes;
import io.tokenbroker.application.port.out.ProactiveRefreshOutcomes.Outcome;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.port.out.RefreshSchedule.Claim;
import io.tokenbroker.application.port.out.RefreshSchedule.Entry;
import io.tokenbroker.application.port.out.RefreshSchedule.Warned;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.Backoff;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Renews tokens at their refresh-ahead point so that callers in steady state never wait for an upstream. It sits in
 * front of the token service: every token it hands out (to a request or a forced refresh) is offered to the
 * {@link RefreshSchedule} at {@link RefreshPolicy#refreshAheadAt}, and requests record demand there. With a shared
 * schedule every instance does this into the same store, and {@link #runDue} on any instance claims what is due,
 * soonest first; a claim is exclusive, so one connection is refreshed by one instance.
 *
 * <p>At most {@code concurrency} claimed entries are worked on at once per instance, on the executor; a worker that
 * finishes takes the next due entry itself, so a backlog drains at the upstream's pace rather than a few entries per
 * tick. The ticker's thread only claims: whatever may touch the database (reading an idle connection's refresh
 * token expiry) runs on a worker, so a database outage slows refreshes but never stops the ticks. A failed
 * refresh is tried again after full-jitter backoff; when it fails while the token is already inside its hard buffer
 * or expired, NEAR_EXPIRY or TOKEN_EXPIRED is published, once per token.
 *
 * <p>Connections nobody (on any instance) asked for within {@code idleAfter} are not refreshed ahead. If their refresh
 * token has a known expiry they are parked until shortly before it and refreshed then, so a rolling refresh token
 * does not die of disuse; otherwise they are dropped, and their next request schedules them again.
 *
 * <p>Proactive refreshes go through {@link RefreshConnection} with reason PROACTIVE, which under the lease skips the
 * upstream when another holder has already renewed the token: an entry claimed twice (a claim that outlived its
 * deadline) still costs one upstream call.
 */
public final class ProactiveRefreshService implements GetAccessToken, RefreshConnection {

    private static final System.Logger LOG = System.getLogger(ProactiveRefreshService.class.getName());
    private static final Duration DEMAND_RESOLUTION = Duration.ofMinutes(1);
    /**
     * The shortest {@code idleAfter}: demand is recorded at most once a {@link #DEMAND_RESOLUTION} per connection and
     * instance, and compared on another instance's clock a tick or more later (and is lost while the schedule's store
     * is down), so a shorter window makes connections in constant use look idle.
     */
    public static final Duration MIN_IDLE_AFTER = DEMAND_RESOLUTION.multipliedBy(5);
    /** Whatever a provider or a backoff draw says, an entry put back is never due again before this has passed. */
    private static final Duration MIN_DELAY = Duration.ofSeconds(1);
    /** The share of a refresh token's remaining life kept in hand when an idle connection is kept alive. */
    private static final int KEEP_ALIVE_PARTS = 10;

    /**
     * Scheduler settings.
     *
     * @param idleAfter       connections nobody asked for this long are not refreshed ahead; at least
     *                        {@link #MIN_IDLE_AFTER}
     * @param concurrency     proactive refreshes in flight at most, in this instance
     * @param backoff         delays between failed proactive refreshes of one token
     * @param claimFor        how long a claim lasts before another instance may take the entry over: longer than
     *                        one refresh can take (lease wait, retries, upstream timeouts)
     * @param keepAliveMargin the most time before a refresh token's expiry at which an idle connection is refreshed
     *                        (otherwise a tenth of the refresh token's life since the last refresh)
     */
    public record Settings(Duration idleAfter, int concurrency, Backoff backoff, Duration claimFor,
                           Duration keepAliveMargin) {
        public Settings {
            Objects.requireNonNull(idleAfter, "idleAfter");
            Objects.requireNonNull(backoff, "backoff");
            Objects.requireNonNull(claimFor, "claimFor");
            Objects.requireNonNull(keepAliveMargin, "keepAliveMargin");
            if (idleAfter.compareTo(MIN_IDLE_AFTER) < 0) {
                throw new IllegalArgumentException("idleAfter is " + idleAfter + " but must be at least "
                        + MIN_IDLE_AFTER + ": demand is recorded about once a minute per connection, so a shorter "
                        + "window would make connections in constant use look idle");
            }
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1");
            }
            if (claimFor.isNegative() || claimFor.isZero()) {
                throw new IllegalArgumentException("a claim must last a positive time");
            }
            if (keepAliveMargin.isNegative() || keepAliveMargin.isZero()) {
                throw new IllegalArgumentException("the keep-alive margin must be positive");
            }
        }
    }

    /** What this instance last told the schedule about a connection, so cache hits need not tell it again. */
    private record Told(Instant aheadAt, Optional<Instant> demandAt) {
    }

    /** A claim and when it was made, which its lag is measured against. */
    private record Claimed(Claim claim, Instant at) {
    }

    /** A claimed entry to refresh; {@code keepAlive} when the connection is idle and only its refresh token matters. */
    private record Job(Entry entry, boolean keepAlive) {
    }

    private final GetAccessToken tokens;
    private final RefreshConnection refresher;
    private final RefreshSchedule schedule;
    private final TokenStore cache;
    private final Connections connections;
    private final ConnectionEvents events;
    private final ProactiveRefreshOutcomes outcomes;
    private final RefreshPolicy policy;
    private final Clock clock;
    private final Settings settings;
    private final Executor executor;
    private final ConcurrentMap<ConnectionKey, Told> told = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile Instant lastRun;
    private volatile Optional<Duration> lastLag = Optional.empty();

    /**
     * @param tokens     the token service being decorated
     * @param refresher  the same service's forced refresh
     * @param cache      read to see whether another holder renewed a token whose refresh failed here
     * @param connections read for the refresh token's expiry of idle connections
     */
    public ProactiveRefreshService(GetAccessToken tokens, RefreshConnection refresher, RefreshSchedule schedule,
                                   TokenStore cache, Connections connections, ConnectionEvents events,
                                   ProactiveRefreshOutcomes outcomes, RefreshPolicy policy, Clock clock,
                                   Settings settings, Executor executor) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.refresher = Objects.requireNonNull(refresher, "refresher");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.connections = Objects.requireNonNull(connections, "connections");
        this.events = Objects.requireNonNull(events, "events");
        this.outcomes = Objects.requireNonNull(outcomes, "outcomes");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.lastRun = clock.instant();
    }

    @Override
    public AccessToken get(Query query) {
        AccessToken token = tokens.get(query);
        tell(query.key(), token, true);
        return token;
    }

    @Override
    public AccessToken refresh(Command command) {
        AccessToken token = refresher.refresh(command);
        tell(command.key(), token, false);
        return token;
    }

    /**
     * Cache hits must stay nearly write-free: the schedule hears of a connection only when this instance sees a
     * token it has not offered yet, or (for requests) once a minute, which records demand and offers the token again
     * so an entry lost with the store or dropped as idle comes back. Either way one call to the schedule.
     */
    private void tell(ConnectionKey key, AccessToken token, boolean demand) {
        Instant now = clock.instant();
        Instant ahead = policy.refreshAheadAt(token);
        Told last = told.get(key);
        boolean newToken = last == null || !last.aheadAt().equals(ahead);
        Optional<Instant> lastDemand = last == null ? Optional.empty() : last.demandAt();
        boolean recordDemand = demand && lastDemand
                .map(at -> Duration.between(at, now).compareTo(DEMAND_RESOLUTION) >= 0).orElse(true);
        if (!newToken && !recordDemand) {
            return;
        }
        told.put(key, new Told(ahead, recordDemand ? Optional.of(now) : lastDemand));
        try {
            Entry entry = Entry.forToken(key, token, ahead);
            if (recordDemand) {
                schedule.offerAsked(entry, now);
            } else {
                schedule.offer(entry);
            }
        } catch (RuntimeException failed) {
            // The token is served regardless: a schedule that misses a beat costs a caller one wait, at worst.
            LOG.log(Level.WARNING, "could not schedule the refresh of {0} ahead: {1}", key,
                    failed.getClass().getSimpleName());
        }
    }

    /**
     * Claims due entries, as many as free slots allow, and hands each to a worker on the executor; returns how many
     * it handed over. The worker decides what a claim needs (a refresh, or parking or dropping an idle connection,
     * which may read the database), so this only waits for the schedule's store. Call it on a timer.
     */
    public int runDue() {
        Instant now = clock.instant();
        lastRun = now;
        int started = 0;
        int free = settings.concurrency() - inFlight.get();
        if (free > 0) {
            for (Claim claim : schedule.claimDue(now, free, now.plus(settings.claimFor()))) {
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

    /** Refreshes in flight in this instance right now. */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * When {@link #runDue} last started or finished (the start of this service before the first call): a liveness
     * heartbeat of whatever calls it.
     */
    public Instant lastRun() {
        return lastRun;
    }

    /** How late the last claimed entry was taken; empty before the first claim. */
    public Optional<Duration> lastLag() {
        return lastLag;
    }

    /**
     * Decides what a claim needs: a refresh (returned), or nothing but parking or dropping it (done here). Runs on a
     * worker: for an idle connection it reads the database.
     */
    private Optional<Job> triage(Claim claim, Instant now) {
        Entry entry = claim.entry();
        Duration lag = entry.due().isBefore(now) ? Duration.between(entry.due(), now) : Duration.ZERO;
        lastLag = Optional.of(lag);
        outcomes.claimed(lag);
        boolean inDemand = claim.lastAsked().filter(at -> !at.plus(settings.idleAfter()).isBefore(now)).isPresent();
        if (inDemand) {
            return Optional.of(new Job(entry, false));
        }
        Optional<Instant> refreshTokenExpiry;
        try {
            refreshTokenExpiry = connections.refreshTokenExpiresAt(entry.key());
        } catch (RuntimeException unavailable) {
            // The vault is down: look again later rather than drop a refresh token that may need keeping alive.
            schedule.schedule(entry.at(now.plus(settings.claimFor())));
            LOG.log(Level.WARNING, "could not read the refresh token expiry of idle {0}: {1}", entry.key(),
                    unavailable.getClass().getSimpleName());
            return Optional.empty();
        }
        if (refreshTokenExpiry.isEmpty()) {
            forget(entry.key());
            outcomes.finished(Outcome.IDLE);
            return Optional.empty();
        }
        Instant keepAliveAt = keepAliveAt(refreshTokenExpiry.get(), entry);
        if (!keepAliveAt.isAfter(now)) {
            return Optional.of(new Job(entry, true));
        }
        // Parked without its failures: if demand comes back, a request's offer of this token may move it forward.
        schedule.schedule(new Entry(entry.key(), keepAliveAt, 0, entry.tokenIssuedAt(), entry.tokenExpiresAt(),
                entry.warned()));
        outcomes.finished(Outcome.IDLE);
        return Optional.empty();
    }

    /**
     * A tenth of the refresh token's life since the token of this entry was issued (the last refresh), at most the
     * configured margin, before it expires. Measured from the last refresh rather than from now, so a parked entry
     * claimed at this instant finds it reached instead of a new, smaller tenth.
     */
    private Instant keepAliveAt(Instant refreshTokenExpiry, Entry entry) {
        Duration life = Duration.between(entry.tokenIssuedAt(), refreshTokenExpiry);
        if (life.isNegative()) {
            return refreshTokenExpiry;
        }
        Duration tenth = life.dividedBy(KEEP_ALIVE_PARTS);
        Duration margin = tenth.compareTo(settings.keepAliveMargin()) < 0 ? tenth : settings.keepAliveMargin();
        return refreshTokenExpiry.minus(margin);
    }

    /** Works on a claim, then keeps taking due entries while there are any, holding one slot throughout. */
    private void work(Claimed first) {
        try {
            Optional<Claimed> claimed = Optional.of(first);
            while (claimed.isPresent()) {
                Optional<Job> job = triage(claimed.get().claim(), claimed.get().at());
                if (job.isPresent()) {
                    refresh(job.get());
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

    private Optional<Claimed> next() {
        Instant now = clock.instant();
        List<Claim> claims = schedule.claimDue(now, 1, now.plus(settings.claimFor()));
        return claims.isEmpty() ? Optional.empty() : Optional.of(new Claimed(claims.get(0), now));
    }

    private void refresh(Job job) {
        ConnectionKey key = job.entry().key();
        try {
            AccessToken token = refresher.refresh(new Command(key, Reason.PROACTIVE));
            Instant now = clock.instant();
            Instant ahead = policy.refreshAheadAt(token);
            Instant next = ahead.isAfter(now) ? ahead : now.plus(MIN_DELAY);
            // Told, so this instance's next request with the new token writes nothing.
            told.compute(key, (k, last) -> new Told(ahead, last == null ? Optional.empty() : last.demandAt()));
            schedule.schedule(Entry.forToken(key, token, next));
            outcomes.finished(job.keepAlive() ? Outcome.KEPT_ALIVE : Outcome.REFRESHED);
        } catch (ConnectionNotFoundException | ReauthorisationNeededException cannotHeal) {
            // Removed, or waiting for a tenant: retrying would only spend upstream calls.
            forget(key);
            outcomes.finished(Outcome.GONE);
        } catch (RuntimeException failed) {
            if (Thread.currentThread().isInterrupted() || failed instanceof CancellationException) {
                handBack(job.entry());
                return;
            }
            backOff(job, failed);
            outcomes.finished(Outcome.FAILED);
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

    private void backOff(Job job, RuntimeException failed) {
        Entry entry = job.entry();
        Instant now = clock.instant();
        Optional<AccessToken> cached = cached(entry.key());
        Duration delay = backoffDelay(entry.failures() + 1);
        // Compared as the entry keeps it, to the millisecond: the same token must not look newer than itself.
        Optional<AccessToken> renewed = cached.filter(token -> token.issuedAt().truncatedTo(ChronoUnit.MILLIS)
                .isAfter(entry.tokenIssuedAt()));
        if (renewed.isPresent()) {
            // Another holder renewed it while this refresh failed (e.g. waiting for its lease): follow that token.
            Instant ahead = policy.refreshAheadAt(renewed.get());
            Instant retry = now.plus(delay);
            schedule.schedule(Entry.forToken(entry.key(), renewed.get(), ahead.isAfter(retry) ? ahead : retry));
            return;
        }
        Warned warned = job.keepAlive() || cached.isPresent() ? entry.warned() : warnIfExpiring(entry, now);
        Instant retryAt = now.plus(delay);
        schedule.schedule(entry.retry(retryAt, warned));
        LOG.log(Level.WARNING, "proactive refresh of {0} failed ({1} in a row), next try at {2}: {3}", entry.key(),
                entry.failures() + 1, retryAt, failed.getClass().getSimpleName());
    }

    private Duration backoffDelay(int failures) {
        Duration drawn = settings.backoff().delayBefore(failures);
        return drawn.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : drawn;
    }

    /** No servable token is cached: the one the entry is about is inside its hard buffer, or past its expiry. */
    private Warned warnIfExpiring(Entry entry, Instant now) {
        if (!now.isBefore(entry.tokenExpiresAt())) {
            if (entry.warned() != Warned.EXPIRED) {
                publish(entry, ConnectionEvent.Type.TOKEN_EXPIRED, now, "the token expired at "
                        + entry.tokenExpiresAt() + " and " + (entry.failures() + 1)
                        + " proactive refreshes in a row failed");
                return Warned.EXPIRED;
            }
        } else if (!now.isBefore(policy.serveUntil(entry.tokenIssuedAt(), entry.tokenExpiresAt()))
                && entry.warned() == Warned.NOTHING) {
            publish(entry, ConnectionEvent.Type.NEAR_EXPIRY, now, "the token expires at "
                    + entry.tokenExpiresAt() + ", is inside its hard buffer and " + (entry.failures() + 1)
                    + " proactive refreshes in a row failed");
            return Warned.NEAR_EXPIRY;
        }
        return entry.warned();
    }

    /** About the entry's token, so the event carries that token's expiry. */
    private void publish(Entry entry, ConnectionEvent.Type type, Instant at, String detail) {
        EventPublishing.publish(events, new ConnectionEvent(entry.key(), type, at, detail,
                Optional.of(entry.tokenExpiresAt())));
    }

    private Optional<AccessToken> cached(ConnectionKey key) {
        try {
            return cache.find(key);
        } catch (RuntimeException unavailable) {
            return Optional.empty();
        }
    }

    private void forget(ConnectionKey key) {
        told.remove(key);
        schedule.remove(key);
    }
}
