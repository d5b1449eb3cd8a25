package io.tokenbroker.application.service;

import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import io.tokenbroker.domain.token.TokenGrant;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What becomes of a grant, under the lease it was fetched with: a rotated refresh token is persisted (fenced by the
 * lease) before the new access token is cached or returned; the token is cached until its expiry less the clock
 * margin ({@link RefreshPolicy#keepUntil}: served normally only until its hard buffer, kept past it for
 * stale-if-error). The stored token, with its message to waiters on every instance and the callers waiting in this
 * process, comes first; then the circuit hears of the upstream's answer, then the success row and TOKEN_REFRESHED.
 * A grant that cannot be stored is announced as REFRESH_FAILED ({@code not_stored}): the upstream answered but the
 * refresh is lost to the caller.
 */
final class GrantStorage {

    private static final System.Logger LOG = System.getLogger(GrantStorage.class.getName());
    /** REFRESH_FAILED's detail when the upstream issued a token that could not be stored. */
    private static final String NOT_STORED = "not_stored";

    private final TokenStore tokens;
    private final Connections connections;
    private final ConnectionEvents events;
    private final RefreshPolicy policy;
    private final Clock clock;

    GrantStorage(TokenStore tokens, Connections connections, ConnectionEvents events, RefreshPolicy policy,
                 Clock clock) {
        this.tokens = tokens;
        this.connections = connections;
        this.events = events;
        this.policy = policy;
        this.clock = clock;
    }

    /** @param landed told of the token once it is stored, before anything else is written or announced */
    AccessToken stored(Connection connection, RefreshAttempts.Granted granted, RefreshAttempts attempts,
                       Lease held, Trigger trigger, Consumer<AccessToken> landed) {
        AccessToken token;
        try {
            token = store(connection, granted.grant(), held);
        } catch (RuntimeException notStored) {
            attempts.notStored();
            publish(connection.key(), ConnectionEvent.Type.REFRESH_FAILED, NOT_STORED, Optional.empty());
            throw notStored;
        }
        landed.accept(token);
        attempts.recordSuccess(granted);
        publish(connection.key(), ConnectionEvent.Type.TOKEN_REFRESHED, trigger.name().toLowerCase(Locale.ROOT),
                Optional.of(token.expiresAt()));
        return token;
    }

    private void publish(ConnectionKey key, ConnectionEvent.Type type, String detail, Optional<Instant> expiresAt) {
        EventPublishing.publish(events, clock, key, type, detail, expiresAt);
    }

    private AccessToken store(Connection connection, TokenGrant grant, Lease held) {
        ConnectionKey key = connection.key();
        if (grant.refreshToken().isPresent() && !grant.refreshToken().equals(connection.refreshToken())) {
            boolean saved = connections.saveRotation(key, grant.refreshToken().get(),
                    grant.refreshTokenExpiresAt(), held.fence());
            if (!saved) {
                // A newer lease already stored a newer refresh token; ours must not overwrite it. The access
                // token we got is still valid, so it is served.
                LOG.log(Level.WARNING, "refused a stale refresh-token rotation for {0} (fence {1})", key, held.fence());
            }
        }
        AccessToken token = grant.accessToken();
        Duration ttl = policy.storeTtl(token, clock.instant());
        if (!ttl.isZero() && !tokens.put(key, token, ttl, held.fence())) {
            // Our lease expired during the upstream call and a newer holder has written: its token stays cached.
            // Ours is valid too, so the callers who waited for it still get it.
            LOG.log(Level.WARNING, "a newer lease cached a token for {0}; ours (fence {1}) was not cached", key,
                    held.fence());
        }
        return token;
    }
}
