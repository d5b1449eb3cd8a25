package io.tokenbroker.application.service;

import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.service.ClaimTriage.Job;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ReconnectWarning;
import io.tokenbroker.domain.connection.ReconnectWarning.Reason;
import io.tokenbroker.domain.token.AccessToken;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Publishes {@code refresh_token_expiring} after a keep-alive that could not extend a refresh token whose expiry is
 * within the {@link ReconnectWarning}'s window. Once per grant, across restarts and instances: the expiry warned
 * about is marked with the connection ({@link Connections#markReconnectWarned}, a compare-and-set, so of two
 * instances deciding at once one publishes), and a later expiry within the window of the mark is the same grant. A
 * reconnect or a keep-alive that works again moves the expiry past that and re-arms the warning; a save drops it.
 */
final class ReconnectWarnings {

    private static final System.Logger LOG = System.getLogger(ReconnectWarnings.class.getName());

    private final Connections connections;
    private final ConnectionEvents events;
    private final ReconnectWarning warning;
    private final Clock clock;

    ReconnectWarnings(Connections connections, ConnectionEvents events, ReconnectWarning warning, Clock clock) {
        this.connections = connections;
        this.events = events;
        this.warning = warning;
        this.clock = clock;
    }

    /**
     * After a keep-alive that returned {@code token}. A token issued before {@code startedAt} came from another
     * holder's refresh, not from one made here: it says nothing about whether refreshing extends the expiry.
     */
    void keptAlive(Job job, AccessToken token, Instant startedAt) {
        if (!job.keepAlive() || job.refreshTokenExpiry().isEmpty() || token.issuedAt().isBefore(startedAt)) {
            return;
        }
        ConnectionKey key = job.entry().key();
        try {
            Optional<Instant> after = connections.refreshTokenExpiresAt(key);
            Optional<Reason> reason = after.flatMap(expiry ->
                    warning.afterRefresh(job.refreshTokenExpiry().get(), expiry, clock.instant()));
            if (reason.isPresent()) {
                warnOnce(key, after.get(), reason.get());
            }
        } catch (RuntimeException unavailable) {
            unavailable(key, unavailable);
        }
    }

    /** After a keep-alive that failed (after its retries). */
    void failed(Job job) {
        if (!job.keepAlive() || job.refreshTokenExpiry().isEmpty()) {
            return;
        }
        Instant expiry = job.refreshTokenExpiry().get();
        Optional<Reason> reason = warning.afterFailure(expiry, clock.instant());
        if (reason.isPresent()) {
            try {
                warnOnce(job.entry().key(), expiry, reason.get());
            } catch (RuntimeException unavailable) {
                unavailable(job.entry().key(), unavailable);
            }
        }
    }

    private void warnOnce(ConnectionKey key, Instant expiry, Reason reason) {
        Optional<Instant> warned = connections.reconnectWarned(key);
        if (warning.covers(warned, expiry) || !connections.markReconnectWarned(key, warned, expiry)) {
            return;
        }
        String detail = reason.wireName() + ": the refresh token expires at " + expiry + " and "
                + (reason == Reason.HARD_CAP ? "refreshing no longer extends it" : "the keep-alive refresh failed")
                + "; reconnect with POST /v1/tenants/" + key.tenant().value() + "/connections/"
                + key.connection().value() + "/connect";
        EventPublishing.publish(events, clock, key, ConnectionEvent.Type.REFRESH_TOKEN_EXPIRING, detail,
                Optional.of(expiry));
    }

    /** The vault could not be read or written: the next keep-alive (or retry) looks again. */
    private static void unavailable(ConnectionKey key, RuntimeException unavailable) {
        LOG.log(Level.WARNING, "could not check the reconnect warning of {0}: {1}", key,
                unavailable.getClass().getSimpleName());
    }
}
