package io.tokenbroker.application.service;

import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.port.out.RefreshSchedule.Entry;
import io.tokenbroker.application.port.out.RefreshSchedule.Warned;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.application.service.ClaimTriage.Job;
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
import java.util.Optional;

/**
 * What follows a failed proactive refresh: the entry is tried again after full-jitter backoff, or follows the token
 * another holder renewed meanwhile; when it fails while the token is already inside its hard buffer or expired,
 * NEAR_EXPIRY or TOKEN_EXPIRED is published, once per token.
 */
final class FailedRefreshes {

    private static final System.Logger LOG = System.getLogger(FailedRefreshes.class.getName());
    /** Whatever a provider or a backoff draw says, an entry put back is never due again before this has passed. */
    static final Duration MIN_DELAY = Duration.ofSeconds(1);

    private final RefreshSchedule schedule;
    private final TokenStore cache;
    private final ConnectionEvents events;
    private final RefreshPolicy policy;
    private final Backoff backoff;
    private final Clock clock;

    /** @param cache read to see whether another holder renewed a token whose refresh failed here */
    FailedRefreshes(RefreshSchedule schedule, TokenStore cache, ConnectionEvents events, RefreshPolicy policy,
                    Backoff backoff, Clock clock) {
        this.schedule = schedule;
        this.cache = cache;
        this.events = events;
        this.policy = policy;
        this.backoff = backoff;
        this.clock = clock;
    }

    void backOff(Job job, RuntimeException failed) {
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
        // A store keeps a token past its hard buffer (for stale-if-error): only a servable one needs no warning.
        boolean servable = cached.filter(token -> policy.isServable(token, now)).isPresent();
        Warned warned = job.keepAlive() || servable ? entry.warned() : warnIfExpiring(entry, now);
        Instant retryAt = now.plus(delay);
        schedule.schedule(entry.retry(retryAt, warned));
        LOG.log(Level.WARNING, "proactive refresh of {0} failed ({1} in a row), next try at {2}: {3}", entry.key(),
                entry.failures() + 1, retryAt, failed.getClass().getSimpleName());
    }

    private Duration backoffDelay(int failures) {
        Duration drawn = backoff.delayBefore(failures);
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
}
