package io.tokenbroker.application.service;

import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.ProactiveRefreshOutcomes;
import io.tokenbroker.application.port.out.ProactiveRefreshOutcomes.Outcome;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.port.out.RefreshSchedule.Claim;
import io.tokenbroker.application.port.out.RefreshSchedule.Entry;
import io.tokenbroker.domain.connection.ReconnectWarning;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides what a claimed entry needs. Connections somebody (on any instance) asked for within {@code idleAfter} are
 * refreshed. Idle ones with a known refresh token expiry are parked until shortly before it and refreshed then, so a
 * rolling refresh token does not die of disuse; idle ones without are dropped, and their next request schedules
 * them again. With a {@link ReconnectWarning} an idle connection is also refreshed once when its refresh token enters
 * the warning window, so a hard cap or a failing grant is heard while a user still has time to reconnect.
 */
final class ClaimTriage {

    private static final System.Logger LOG = System.getLogger(ClaimTriage.class.getName());
    /** The share of a refresh token's remaining life kept in hand when an idle connection is kept alive. */
    private static final int KEEP_ALIVE_PARTS = 10;

    /**
     * A claimed entry to refresh; {@code keepAlive} when the connection is idle and only its refresh token matters,
     * which then expires at {@code refreshTokenExpiry} (read for the triage; empty for a connection in demand).
     */
    record Job(Entry entry, boolean keepAlive, Optional<Instant> refreshTokenExpiry) {
    }

    private final RefreshSchedule schedule;
    private final ScheduleOffers offers;
    private final Connections connections;
    private final ProactiveRefreshOutcomes outcomes;
    private final ProactiveRefreshSettings settings;
    private final ReconnectWarning warning;

    ClaimTriage(RefreshSchedule schedule, ScheduleOffers offers, Connections connections,
                ProactiveRefreshOutcomes outcomes, ProactiveRefreshSettings settings, ReconnectWarning warning) {
        this.schedule = schedule;
        this.offers = offers;
        this.connections = connections;
        this.outcomes = outcomes;
        this.settings = settings;
        this.warning = warning;
    }

    /**
     * A refresh (returned), or nothing but parking or dropping the entry (done here). Runs on a worker: for an idle
     * connection it reads the database.
     */
    Optional<Job> triage(Claim claim, Instant now) {
        Entry entry = claim.entry();
        boolean inDemand = claim.lastAsked().filter(at -> !at.plus(settings.idleAfter()).isBefore(now)).isPresent();
        if (inDemand) {
            return Optional.of(new Job(entry, false, Optional.empty()));
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
            offers.forget(entry.key());
            outcomes.finished(Outcome.IDLE);
            return Optional.empty();
        }
        Instant keepAliveAt = keepAliveAt(refreshTokenExpiry.get(), entry);
        // Earlier when a reconnect warning may be due: only a refresh tells whether refreshing still extends it.
        Instant probeAt = warning.probeAt(refreshTokenExpiry.get(), entry.tokenIssuedAt())
                .filter(probe -> probe.isBefore(keepAliveAt)).orElse(keepAliveAt);
        if (!probeAt.isAfter(now)) {
            return Optional.of(new Job(entry, true, refreshTokenExpiry));
        }
        // Parked without its failures: if demand comes back, a request's offer of this token may move it forward.
        schedule.schedule(new Entry(entry.key(), probeAt, 0, entry.tokenIssuedAt(), entry.tokenExpiresAt(),
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
}
