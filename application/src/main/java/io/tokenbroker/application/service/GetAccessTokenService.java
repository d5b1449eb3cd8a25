package io.tokenbroker.application.service;

import io.tokenbroker.application.inmemory.InMemoryCircuitLedger;
import io.tokenbroker.application.port.in.BrokerException;
import io.tokenbroker.application.port.in.CircuitStates;
import io.tokenbroker.application.port.in.ConnectRequiredException;
import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.MinValidityUnsatisfiableException;
import io.tokenbroker.application.port.in.ReauthorisationNeededException;
import io.tokenbroker.application.port.in.RefreshConnection;
import io.tokenbroker.application.port.in.TokenUnavailableException;
import io.tokenbroker.application.port.in.UpstreamFailedException;
import io.tokenbroker.application.port.out.CircuitLedger;
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
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import io.tokenbroker.domain.token.StaleIfError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Cache hit: return. Otherwise one refresh per connection in this process (single flight), under the connection's
 * lease across processes; the cache is read again under the lease because the previous holder has usually just
 * filled it, and a flight waiting for another instance's lease ends when that holder announces its token, with one
 * read of it and no lease ({@link LockManager}). A connection marked for re-authorisation is refused without a call.
 * What becomes of a grant (a rotated refresh token persisted before the new access token is cached or returned) is
 * {@link GrantStorage}'s. A request whose refresh failed as an outage may get the cached token still (stale-if-error,
 * see {@link #serve}).
 *
 * <p>How the upstream is called (circuit, minimum interval, retries, audit rows) is {@link UpstreamCalls}' policy;
 * this flow decides what a failure means for the connection: a refused refresh token is tried once more when another
 * holder rotated it meanwhile, and otherwise marks the connection for re-authorisation. Failures reach the caller as
 * {@link BrokerException}s and are never cached: the next request past the backoff window tries again.
 *
 * <p>Events: TOKEN_REFRESHED and REFRESH_FAILED {@code not_stored} come from {@link GrantStorage},
 * NEEDS_REAUTHORIZATION from {@link RefusedGrants}, the rest from {@link UpstreamCalls}. Publishing never fails a
 * request.
 */
public final class GetAccessTokenService implements GetAccessToken, RefreshConnection {

    /**
     * What the service talks to.
     *
     * @param events   told about refreshes, failures and circuit transitions; must not block (the port's contract)
     * @param outcomes told how each token request ended, for metrics
     */
    public record Ports(TokenStore tokens, Connections connections, TokenIssuer issuer, LockManager locks,
                        RefreshLog refreshLog, Reauthorisations reauthorisations, ConnectionEvents events,
                        TokenRequestOutcomes outcomes, CircuitLedger circuits) {

        /** With this process's own circuits (the embedded default). */
        public Ports(TokenStore tokens, Connections connections, TokenIssuer issuer, LockManager locks,
                     RefreshLog refreshLog, Reauthorisations reauthorisations, ConnectionEvents events,
                     TokenRequestOutcomes outcomes) {
            this(tokens, connections, issuer, locks, refreshLog, reauthorisations, events, outcomes,
                    new InMemoryCircuitLedger());
        }

        public Ports {
            Objects.requireNonNull(circuits, "circuits");
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

    /**
     * How tokens are cached, leased and fetched.
     *
     * @param staleIfError when a token inside its hard buffer is served because its refresh failed
     */
    public record Settings(RefreshPolicy policy, LeaseSettings lease, ResilienceSettings resilience,
                           StaleIfError staleIfError) {
        public Settings {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(lease, "lease");
            Objects.requireNonNull(resilience, "resilience");
            Objects.requireNonNull(staleIfError, "staleIfError");
        }

        /** Without stale-if-error: a failed refresh is always the caller's failure. */
        public Settings(RefreshPolicy policy, LeaseSettings lease, ResilienceSettings resilience) {
            this(policy, lease, resilience, StaleIfError.off());
        }
    }

    private final TokenStore tokens;
    private final Connections connections;
    private final LockManager locks;
    private final Clock clock;
    private final RefreshPolicy policy;
    private final LeaseSettings lease;
    private final Reauthorisations reauthorisations;
    private final TokenRequestOutcomes outcomes;
    private final StaleIfError staleIfError;
    private final SingleFlight<ConnectionKey, AccessToken> singleFlight = new SingleFlight<>();
    // Forced refreshes get their own flight: joining a request's flight could hand back the token that request
    // found cached under the lease, which is exactly what a forced refresh must not return.
    private final SingleFlight<ConnectionKey, AccessToken> forcedFlight = new SingleFlight<>();
    private final UpstreamCalls upstream;
    private final RefusedGrants refused;
    private final GrantStorage storage;

    public GetAccessTokenService(Ports ports, Settings settings, Clock clock, Pause pause) {
        this.tokens = ports.tokens();
        this.connections = ports.connections();
        this.locks = ports.locks();
        this.reauthorisations = ports.reauthorisations();
        this.outcomes = ports.outcomes();
        this.policy = settings.policy();
        this.lease = settings.lease();
        this.staleIfError = settings.staleIfError();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refused = new RefusedGrants(connections, reauthorisations, ports.events(), clock);
        this.upstream = new UpstreamCalls(ports.issuer(), ports.refreshLog(), ports.events(), ports.circuits(),
                settings.resilience(), clock, pause);
        this.storage = new GrantStorage(tokens, connections, ports.events(), policy, clock);
    }

    /** The circuits of the upstreams this service calls, for status and metrics. */
    public CircuitStates circuits() {
        return upstream;
    }

    @Override
    public CompletionStage<Optional<AccessToken>> getWithoutBlocking(Query query) {
        return tokens.lookupWithoutBlocking(query.key()).thenApply(found -> served(query, found));
    }

    /**
     * A hit is counted where {@link #served} finds it. A refresh that failed as an outage (the upstream unavailable,
     * the circuit open, the lease not had in time) serves the token read at the start if {@link StaleIfError} allows
     * it; a refusal (4xx, {@code invalid_grant}) never does: the caller must hear of it while the token still works.
     */
    @Override
    public Served serve(Query query) {
        ConnectionKey key = query.key();
        Optional<TokenStore.Found> found = tokens.lookup(key);
        Optional<AccessToken> served = served(query, found);
        if (served.isPresent()) {
            return Served.fresh(served.get());
        }
        try {
            // Up front when the cached token shows how long this connection's tokens live: no refresh is spent on
            // a wish a fresh token cannot grant.
            found.ifPresent(hit -> requireMeetable(key, hit.token(), query.minValidFor()));
            AccessToken token = fetched(key, query.minValidFor());
            outcomes.record(TokenRequestOutcomes.Outcome.MISS);
            return Served.fresh(token);
        } catch (UpstreamFailedException.Unavailable | TokenUnavailableException outage) {
            Optional<AccessToken> stale = found.map(TokenStore.Found::token)
                    .filter(token -> staleIfError.allows(token, clock.instant(), query.minValidFor()));
            outcomes.record(stale.isPresent() ? TokenRequestOutcomes.Outcome.STALE_IF_ERROR
                    : TokenRequestOutcomes.Outcome.ERROR);
            return new Served(stale.orElseThrow(() -> outage), true);
        } catch (RuntimeException failed) {
            outcomes.record(TokenRequestOutcomes.Outcome.ERROR);
            throw failed;
        }
    }

    /**
     * The cached token if it may be served for this query, counted once: a token due for refresh is stale whichever
     * cache held it, since that is what shows refresh-ahead falling behind; otherwise a near-cache or a store hit by
     * where it was read.
     */
    private Optional<AccessToken> served(Query query, Optional<TokenStore.Found> found) {
        Instant now = clock.instant();
        Optional<TokenStore.Found> cached = found
                .filter(hit -> policy.isServable(hit.token(), now, query.minValidFor()));
        cached.ifPresent(hit -> outcomes.record(policy.isDueForRefresh(hit.token(), now)
                ? TokenRequestOutcomes.Outcome.STALE_SERVED : hit.source() == TokenStore.Source.NEAR_CACHE
                ? TokenRequestOutcomes.Outcome.NEAR_CACHE_HIT : TokenRequestOutcomes.Outcome.CACHE_HIT));
        return cached.map(TokenStore.Found::token);
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
        upstream.refuseWhileOpen(key);
        // A holder on another instance announces its token: the wait ends with one read of it, not with the lease.
        AtomicReference<AccessToken> landed = new AtomicReference<>();
        Optional<Lease> acquired = locks.acquire(key, lease.ttl(), lease.maxWait(), () -> {
            renewedMeanwhile(key, trigger, minValidFor).ifPresent(landed::set);
            return landed.get() != null;
        });
        if (landed.get() != null) {
            return landed.get();
        }
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
                return storage.stored(connection, granted.get(), attempts, held, trigger);
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
}
