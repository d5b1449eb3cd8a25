package io.tokenbroker.application.service;

import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.port.out.RefreshSchedule.Entry;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What this instance has told the {@link RefreshSchedule} about each connection: the serving side
 * ({@link ProactiveRefreshService}) offers tokens and demand through it, and the background side
 * ({@link RefreshDueConnectionsService}) notes the tokens it renewed and the connections it dropped, so that cache
 * hits stay nearly write-free. The writes themselves run on a writer executor, coalesced per connection, so a request
 * that happens to record demand does not wait for the schedule's store either.
 */
public final class ScheduleOffers {

    /** Demand is recorded at most this often per connection and instance. */
    static final Duration DEMAND_RESOLUTION = Duration.ofMinutes(1);
    private static final System.Logger LOG = System.getLogger(ScheduleOffers.class.getName());

    /** What this instance last told the schedule about a connection. */
    private record Told(Instant aheadAt, Optional<Instant> demandAt) {
    }

    /** A write not yet made: the newest entry, and when demand was last seen (if it was). */
    private record Write(Entry entry, Optional<Instant> askedAt) {
        Write then(Write later) {
            return new Write(later.entry(), later.askedAt().or(this::askedAt));
        }
    }

    private final RefreshSchedule schedule;
    private final RefreshPolicy policy;
    private final Clock clock;
    private final Executor writer;
    private final ConcurrentMap<ConnectionKey, Told> told = new ConcurrentHashMap<>();
    private final ConcurrentMap<ConnectionKey, Write> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    /** Writes on the caller's thread (tests, and where the schedule is in memory anyway). */
    public ScheduleOffers(RefreshSchedule schedule, RefreshPolicy policy, Clock clock) {
        this(schedule, policy, clock, Runnable::run);
    }

    /** @param writer runs the schedule writes; one drain at a time, so a single thread is enough */
    public ScheduleOffers(RefreshSchedule schedule, RefreshPolicy policy, Clock clock, Executor writer) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    /**
     * Cache hits must stay nearly write-free: the schedule hears of a connection only when this instance sees a
     * token it has not offered yet, or (for requests, {@code demand}) once a minute, which records demand and offers
     * the token again so an entry lost with the store or dropped as idle comes back. Either way one write, made by
     * the writer; a failing schedule is logged, never thrown, since the token is served regardless.
     */
    void tell(ConnectionKey key, AccessToken token, boolean demand) {
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
        pending.merge(key, new Write(Entry.forToken(key, token, ahead),
                recordDemand ? Optional.of(now) : Optional.empty()), Write::then);
        startDrain();
    }

    private void startDrain() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        try {
            writer.execute(this::drain);
        } catch (RejectedExecutionException stopping) {
            // Shutting down: the entry comes back with the next request on any instance.
            draining.set(false);
        }
    }

    /** Makes the writes pending now on the caller's thread: before due work is claimed, and when stopping. */
    public void flush() {
        for (ConnectionKey key : pending.keySet()) {
            Write write = pending.remove(key);
            if (write != null) {
                write(key, write);
            }
        }
    }

    private void drain() {
        try {
            flush();
        } finally {
            draining.set(false);
            // A write queued after the loop passed its key, before the flag was down.
            if (!pending.isEmpty()) {
                startDrain();
            }
        }
    }

    private void write(ConnectionKey key, Write write) {
        try {
            if (write.askedAt().isPresent()) {
                schedule.offerAsked(write.entry(), write.askedAt().get());
            } else {
                schedule.offer(write.entry());
            }
        } catch (RuntimeException failed) {
            // A schedule that misses a beat costs a caller one wait, at worst.
            LOG.log(Level.WARNING, "could not schedule the refresh of {0} ahead: {1}", key,
                    failed.getClass().getSimpleName());
        }
    }

    /** A token renewed in the background and scheduled already: this instance's next request with it writes nothing. */
    void renewed(ConnectionKey key, Instant aheadAt) {
        told.compute(key, (k, last) -> new Told(aheadAt, last == null ? Optional.empty() : last.demandAt()));
    }

    /** Off the schedule until a request offers the connection again. */
    void forget(ConnectionKey key) {
        told.remove(key);
        pending.remove(key);
        schedule.remove(key);
    }
}
