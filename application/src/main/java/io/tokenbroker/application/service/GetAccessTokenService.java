package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.TokenUnavailableException;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import io.tokenbroker.domain.token.TokenGrant;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Cache hit: return. Otherwise one refresh per connection in this process (single flight), under the connection's
 * lease across processes; the cache is read again under the lease because the previous holder has usually just
 * filled it. A rotated refresh token is persisted before the new access token is cached or returned.
 */
public final class GetAccessTokenService implements GetAccessToken {

    private static final System.Logger LOG = System.getLogger(GetAccessTokenService.class.getName());

    private final TokenStore tokens;
    private final Connections connections;
    private final TokenIssuer issuer;
    private final LockManager locks;
    private final RefreshLog refreshLog;
    private final Clock clock;
    private final RefreshPolicy policy;
    private final LeaseSettings lease;
    private final SingleFlight<ConnectionKey, AccessToken> singleFlight = new SingleFlight<>();

    public GetAccessTokenService(TokenStore tokens, Connections connections, TokenIssuer issuer, LockManager locks,
                                 RefreshLog refreshLog, Clock clock, RefreshPolicy policy, LeaseSettings lease) {
        this.tokens = tokens;
        this.connections = connections;
        this.issuer = issuer;
        this.locks = locks;
        this.refreshLog = refreshLog;
        this.clock = clock;
        this.policy = policy;
        this.lease = lease;
    }

    @Override
    public AccessToken get(Query query) {
        ConnectionKey key = query.key();
        Optional<AccessToken> cached = servable(key);
        if (cached.isPresent()) {
            return cached.get();
        }
        return singleFlight.run(key, () -> refreshUnderLease(key));
    }

    private Optional<AccessToken> servable(ConnectionKey key) {
        return tokens.find(key).filter(token -> policy.isServable(token, clock.instant()));
    }

    private AccessToken refreshUnderLease(ConnectionKey key) {
        if (connections.find(key).isEmpty()) {
            throw new ConnectionNotFoundException(key);
        }
        Optional<Lease> acquired = locks.acquire(key, lease.ttl(), lease.maxWait());
        if (acquired.isEmpty()) {
            throw new TokenUnavailableException("a refresh of " + key + " is still running elsewhere",
                    Optional.of(Duration.ofSeconds(1)));
        }
        try (Lease held = acquired.get()) {
            Optional<AccessToken> refreshedMeanwhile = servable(key);
            if (refreshedMeanwhile.isPresent()) {
                return refreshedMeanwhile.get();
            }
            // Read under the lease: the previous holder may have rotated the refresh token.
            Connection connection = connections.find(key).orElseThrow(() -> new ConnectionNotFoundException(key));
            return refresh(connection, held);
        }
    }

    private AccessToken refresh(Connection connection, Lease held) {
        ConnectionKey key = connection.key();
        Instant startedAt = clock.instant();
        TokenGrant grant;
        try {
            grant = issuer.issue(connection);
        } catch (UpstreamException failure) {
            record(key, startedAt, Outcome.FAILURE, failure.status(), failure.errorCode(),
                    Optional.ofNullable(failure.getMessage()), held.fence());
            throw failure;
        }
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
        Duration ttl = policy.cacheTtl(token, clock.instant());
        if (!ttl.isZero() && !tokens.put(key, token, ttl, held.fence())) {
            // Our lease expired during the upstream call and a newer holder has written: its token stays cached.
            // Ours is valid too, so the callers who waited for it still get it.
            LOG.log(Level.WARNING, "a newer lease cached a token for {0}; ours (fence {1}) was not cached", key,
                    held.fence());
        }
        record(key, startedAt, Outcome.SUCCESS, OptionalInt.empty(), Optional.empty(), Optional.empty(), held.fence());
        return token;
    }

    private void record(ConnectionKey key, Instant startedAt, Outcome outcome, OptionalInt status,
                        Optional<String> errorCode, Optional<String> message, long fence) {
        try {
            refreshLog.record(new RefreshAttempt(key, Trigger.REQUEST, outcome, startedAt, clock.instant(), 1,
                    status, errorCode, message, fence));
        } catch (RuntimeException auditFailure) {
            // The audit trail must not turn a served token into an error; the failure is visible in the log.
            LOG.log(Level.ERROR, "could not record a refresh attempt for " + key, auditFailure);
        }
    }
}
