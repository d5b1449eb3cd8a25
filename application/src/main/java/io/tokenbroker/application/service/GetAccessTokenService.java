package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.BrokerException;
import io.tokenbroker.application.port.in.CircuitStates;
import io.tokenbroker.application.port.in.ConnectRequiredException;
import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.MinValidityUnsatisfiableException;
import io.tokenbroker.application.port.in.ReauthorisationNeededException;
import io.tokenbroker.application.port.in.RefreshConnection;
import io.tokenbroker.application.port.in.TokenUnavailableException;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.application.port.out.Pause;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
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
import java.util.Objects;
import java.util.Optional;

/**
 * Cache hit: return. Otherwise one refresh per connection in this process (single flight), under the connection's
 * lease across processes; the cache is read again under the lease because the previous holder has usually just
 * filled it. A connection marked for re-authorisation is refused without a call. A rotated refresh token is
 * persisted before the new access token is cached or returned.
 *
 * <p>How the upstream is called (circuit, minimum interval, retries, audit rows) is {@link UpstreamCalls}' policy;
 * this flow decides what a failure means for the connection: a refused refresh token is tried once more when another
 * holder rotated it meanwhile, and otherwise marks the connection for re-authorisation. Failures reach the caller as
 * {@link BrokerException}s and are never cached: the next request past the backoff window tries again.
 *
 * <p>Events: TOKEN_REFRESHED for each new token (detail: the trigger), REFRESH_FAILED with detail {@code not_stored}
 * when the upstream's answer could not be stored, NEEDS_REAUTHORIZATION when the provider refused the refresh
 * token; {@link UpstreamCalls} announces the rest. Publishing never fails a request.
 */
public final class GetAccessTokenService implements GetAccessToken, RefreshConnection {

    private static final System.Logger LOG = System.getLogger(GetAccessTokenService.class.getName());

    /**
     * What the service talks to.
     *
     * @param events   told about refreshes, failures and circuit transitions; must not block (the port's contract)
     * @param outcomes told how each token request ended, for metrics
     */
    public record Ports(TokenStore tokens, Connections connections, TokenIssuer issuer, LockManager locks,
                        RefreshLog refreshLog, Reauthorisations reauthorisations, ConnectionEvents events,
                        TokenRequestOutcomes outcomes) {
        public Ports {
            Objects.requireNonNull(tokens, "tokens");
            Objects.requireNonNull(connections, "connections");
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(locks, "locks");
            Objects.requireNonNull(refreshLog, "refreshLog");
            Objects.requireNonNull(reauthorisations, "reauthorisations");
            Objects.requireNonNull(events, "events");
            Objects.requireNonNull(outcomes, "outcomes");
        }
    }

    /** How tokens are cached, leased and fetched. */
    public record Settings(RefreshPolicy policy, LeaseSettings lease, ResilienceSettings resilience) {
        public Settings {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(lease, "lease");
            Objects.requireNonNull(resilience, "resilience");
        }
    }

    /** REFRESH_FAILED's detail when the upstream issued a token that could not be stored. */
    private static final String NOT_STORED = "not_stored";

    private final TokenStore tokens;
    private final Connections connections;
    private final LockManager locks;
    private final Clock clock;
    private final RefreshPolicy policy;
    private final LeaseSettings lease;
    private final Reauthorisations reauthorisations;
    private final ConnectionEvents events;
    private final TokenRequestOutcomes outcomes;
    private final SingleFlight<ConnectionKey, AccessToken> singleFlight = new SingleFlight<>();
    // Forced refreshes get their own flight: joining a request's flight could hand back the token that request
    // found cached under the lease, which is exactly what a forced refresh must not return.
    private final SingleFlight<ConnectionKey, AccessToken> forcedFlight = new SingleFlight<>();
    private final UpstreamCalls upstream;
    private final RefusedGrants refused;

    public GetAccessTokenService(Ports ports, Settings settings, Clock clock, Pause pause) {
        this.tokens = ports.tokens();
        this.connections = ports.connections();
        this.locks = ports.locks();
        this.reauthorisations = ports.reauthorisations();
        this.events = ports.events();
        this.outcomes = ports.outcomes();
        this.policy = settings.policy();
        this.lease = settings.lease();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refused = new RefusedGrants(connections, reauthorisations, events, clock);
        this.upstream = new UpstreamCalls(ports.issuer(), ports.refreshLog(), events, settings.resilience(), clock,
                pause);
    }

    /** The circuits of the upstreams this service calls, for status and metrics. */
    public CircuitStates circuits() {
        return upstream;
    }

    /**
     * Counted once: a token due for refresh is stale whichever cache held it, since that is what shows refresh-ahead
     * falling behind; otherwise a hit is a near-cache or a store hit by where it was read.
     */
    @Override
    public AccessToken get(Query query) {
        ConnectionKey key = query.key();
        Instant now = clock.instant();
        Optional<TokenStore.Found> found = tokens.lookup(key);
        Optional<TokenStore.Found> cached = found
                .filter(hit -> policy.isServable(hit.token(), now, query.minValidFor()));
        if (cached.isPresent()) {
            AccessToken token = cached.get().token();
            outcomes.record(policy.isDueForRefresh(token, now) ? TokenRequestOutcomes.Outcome.STALE_SERVED
                    : cached.get().source() == TokenStore.Source.NEAR_CACHE
                    ? TokenRequestOutcomes.Outcome.NEAR_CACHE_HIT : TokenRequestOutcomes.Outcome.CACHE_HIT);
            return token;
        }
        try {
            // Up front when the cached token shows how long this connection's tokens live: no refresh is spent on
            // a wish a fresh token cannot grant.
            found.ifPresent(hit -> requireMeetable(key, hit.token(), query.minValidFor()));
            AccessToken token = fetched(key, query.minValidFor());
            outcomes.record(TokenRequestOutcomes.Outcome.MISS);
            return token;
        } catch (RuntimeException failed) {
            outcomes.record(TokenRequestOutcomes.Outcome.ERROR);
            throw failed;
        }
    }

    /**
     * A caller may join a flight led by one that wanted less validity, and so get the token that caller found
     * still good enough under the lease; it then flies once more with its own need, which refreshes. A token issued
     * too short-lived for the need is the caller's 422, not a reason to refresh again.
     */
    private AccessToken fetched(ConnectionKey key, Duration minValidFor) {
        AccessToken token = null;
        for (int flight = 0; flight < 2; flight++) {
            token = singleFlight.run(key, () -> StoreOutages.translated(
                    () -> refreshUnderLease(key, Trigger.REQUEST, minValidFor)));
            if (policy.isServable(token, clock.instant(), minValidFor)) {
                return token;
            }
            requireMeetable(key, token, minValidFor);
        }
        throw new MinValidityUnsatisfiableException(key, minValidFor, token.lifetime());
    }

    private void requireMeetable(ConnectionKey key, AccessToken token, Duration minValidFor) {
        if (!policy.canMeet(token.lifetime(), minValidFor)) {
            throw new MinValidityUnsatisfiableException(key, minValidFor, token.lifetime());
        }
    }

    @Override
    public AccessToken refresh(RefreshConnection.Command command) {
        Trigger trigger = command.reason() == Reason.PROACTIVE ? Trigger.PROACTIVE : Trigger.MANUAL;
        return forcedFlight.run(command.key(),
                () -> StoreOutages.translated(() -> refreshUnderLease(command.key(), trigger, Duration.ZERO)));
    }

    /**
     * A request takes a token another holder cached meanwhile, if it lasts as long as the request needs; a proactive refresh one that is not due yet (another
     * instance's schedule may have renewed it a moment ago: ahead of need, once is enough); a manual refresh calls
     * the upstream regardless.
     */
    private Optional<AccessToken> renewedMeanwhile(ConnectionKey key, Trigger trigger, Duration minValidFor) {
        return switch (trigger) {
            case REQUEST -> tokens.find(key).filter(token -> policy.isServable(token, clock.instant(), minValidFor));
            case PROACTIVE -> tokens.find(key).filter(token -> !policy.isDueForRefresh(token, clock.instant()));
            case MANUAL, INVALIDATE, CONNECT -> Optional.empty();
        };
    }

    private AccessToken refreshUnderLease(ConnectionKey key, Trigger trigger, Duration minValidFor) {
        if (connections.find(key).isEmpty()) {
            throw new ConnectionNotFoundException(key);
        }
        Optional<Lease> acquired = locks.acquire(key, lease.ttl(), lease.maxWait());
        if (acquired.isEmpty()) {
            throw new TokenUnavailableException("a refresh of " + key + " is still running elsewhere",
                    Optional.of(Duration.ofSeconds(1)));
        }
        try (Lease held = acquired.get()) {
            Optional<AccessToken> renewed = renewedMeanwhile(key, trigger, minValidFor);
            if (renewed.isPresent()) {
                return renewed.get();
            }
            Optional<Reauthorisations.Needed> needed = reauthorisations.find(key);
            if (needed.isPresent()) {
                throw new ReauthorisationNeededException(key, needed.get().since());
            }
            // Read under the lease: the previous holder may have rotated the refresh token.
            Connection connection = connections.find(key).orElseThrow(() -> new ConnectionNotFoundException(key));
            if (connection.awaitsConnect()) {
                throw new ConnectRequiredException(key);
            }
            return refresh(connection, held, trigger);
        }
    }

    private AccessToken refresh(Connection readUnderLease, Lease held, Trigger trigger) {
        ConnectionKey key = readUnderLease.key();
        RefreshAttempts attempts = upstream.begin(key, trigger, held.fence());
        Connection connection = readUnderLease;
        boolean triedRotatedToken = false;
        while (true) {
            Optional<RefreshAttempts.Granted> granted = attempts.next(connection);
            if (granted.isPresent()) {
                return stored(connection, granted.get(), attempts, held, trigger);
            }
            Optional<Connection> rotated = refused.rotatedMeanwhile(connection, attempts.failed().failure());
            if (rotated.isPresent() && !triedRotatedToken && held.fence() > connections.highestFence(key)) {
                connection = rotated.get();
                triedRotatedToken = true;
                attempts.tryAgain();
                continue;
            }
            attempts.giveUp();
            throw refused.forCaller(connection, attempts.failed().failure(), rotated.isPresent());
        }
    }

    private AccessToken stored(Connection connection, RefreshAttempts.Granted granted, RefreshAttempts attempts,
                               Lease held, Trigger trigger) {
        AccessToken token;
        try {
            token = store(connection, granted.grant(), held);
        } catch (RuntimeException notStored) {
            // The upstream answered but the refresh is lost to the caller (e.g. the rotated refresh token could
            // not be saved): still a refresh that ended without a token, so it must not pass unannounced.
            publish(connection.key(), ConnectionEvent.Type.REFRESH_FAILED, NOT_STORED, Optional.empty());
            throw notStored;
        }
        attempts.recordSuccess(granted);
        publish(connection.key(), ConnectionEvent.Type.TOKEN_REFRESHED, trigger.name().toLowerCase(Locale.ROOT),
                Optional.of(token.expiresAt()));
        return token;
    }

    private void publish(ConnectionKey key, ConnectionEvent.Type type, String detail, Optional<Instant> expiresAt) {
        EventPublishing.publish(events, clock, key, type, detail, expiresAt);
    }

    /** A rotated refresh token is persisted before the new access token is cached or returned. */
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
        Duration ttl = policy.cacheTtl(token, clock.instant());
        if (!ttl.isZero() && !tokens.put(key, token, ttl, held.fence())) {
            // Our lease expired during the upstream call and a newer holder has written: its token stays cached.
            // Ours is valid too, so the callers who waited for it still get it.
            LOG.log(Level.WARNING, "a newer lease cached a token for {0}; ours (fence {1}) was not cached", key,
                    held.fence());
        }
        return token;
    }
}
