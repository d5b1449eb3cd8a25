package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.application.port.in.GetAccessToken;
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
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.CircuitBreaker;
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
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * Cache hit: return. Otherwise one refresh per connection in this process (single flight), under the connection's
 * lease across processes; the cache is read again under the lease because the previous holder has usually just
 * filled it. A rotated refresh token is persisted before the new access token is cached or returned.
 *
 * <p>Upstream failures: retryable ones are retried with full-jitter backoff (or the upstream's
 * {@code Retry-After}) within the retry policy's bounds; a circuit per connection stops calling an upstream that
 * keeps failing and lets one probe through after its open period; refreshes of one connection are spaced by a
 * minimum interval. Every attempt is one audit row. Failures are never cached: the next request past the backoff
 * window tries again.
 *
 * <p>Events: TOKEN_REFRESHED for each new token (detail: the trigger), REFRESH_FAILED once per refresh that ended
 * without one (detail: the error code, or {@code not_stored} when the upstream's answer could not be stored), CIRCUIT_OPENED and CIRCUIT_CLOSED on the circuit's real
 * transitions, NEEDS_REAUTHORIZATION when the provider refused the refresh token. Publishing never fails a request.
 */
public final class GetAccessTokenService implements GetAccessToken, RefreshConnection, CircuitStates {

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

    private static final Pattern SAFE_CODE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** REFRESH_FAILED's detail when the upstream issued a token that could not be stored. */
    static final String NOT_STORED = "not_stored";

    private final TokenStore tokens;
    private final Connections connections;
    private final TokenIssuer issuer;
    private final LockManager locks;
    private final RefreshLog refreshLog;
    private final Clock clock;
    private final RefreshPolicy policy;
    private final LeaseSettings lease;
    private final ResilienceSettings resilience;
    private final Pause pause;
    private final Reauthorisations reauthorisations;
    private final ConnectionEvents events;
    private final TokenRequestOutcomes outcomes;
    private final SingleFlight<ConnectionKey, AccessToken> singleFlight = new SingleFlight<>();
    // Forced refreshes get their own flight: joining a request's flight could hand back the token that request
    // found cached under the lease, which is exactly what a forced refresh must not return.
    private final SingleFlight<ConnectionKey, AccessToken> forcedFlight = new SingleFlight<>();
    private final ConcurrentMap<ConnectionKey, CircuitBreaker> circuits = new ConcurrentHashMap<>();
    private final ConcurrentMap<ConnectionKey, Instant> lastUpstreamCall = new ConcurrentHashMap<>();

    public GetAccessTokenService(Ports ports, Settings settings, Clock clock, Pause pause) {
        this.tokens = ports.tokens();
        this.connections = ports.connections();
        this.issuer = ports.issuer();
        this.locks = ports.locks();
        this.refreshLog = ports.refreshLog();
        this.reauthorisations = ports.reauthorisations();
        this.events = ports.events();
        this.outcomes = ports.outcomes();
        this.policy = settings.policy();
        this.lease = settings.lease();
        this.resilience = settings.resilience();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pause = Objects.requireNonNull(pause, "pause");
    }

    /**
     * Counted once: a token due for refresh is stale whichever cache held it, since that is what shows refresh-ahead
     * falling behind; otherwise a hit is a near-cache or a store hit by where it was read.
     */
    @Override
    public AccessToken get(Query query) {
        ConnectionKey key = query.key();
        Instant now = clock.instant();
        Optional<TokenStore.Found> cached = tokens.lookup(key)
                .filter(found -> policy.isServable(found.token(), now));
        if (cached.isPresent()) {
            AccessToken token = cached.get().token();
            outcomes.record(policy.isDueForRefresh(token, now) ? TokenRequestOutcomes.Outcome.STALE_SERVED
                    : cached.get().source() == TokenStore.Source.NEAR_CACHE
                    ? TokenRequestOutcomes.Outcome.NEAR_CACHE_HIT : TokenRequestOutcomes.Outcome.CACHE_HIT);
            return token;
        }
        try {
            AccessToken token = singleFlight.run(key, () -> refreshUnderLease(key, Trigger.REQUEST));
            outcomes.record(TokenRequestOutcomes.Outcome.MISS);
            return token;
        } catch (RuntimeException failed) {
            outcomes.record(TokenRequestOutcomes.Outcome.ERROR);
            throw failed;
        }
    }

    @Override
    public AccessToken refresh(RefreshConnection.Command command) {
        Trigger trigger = command.reason() == Reason.PROACTIVE ? Trigger.PROACTIVE : Trigger.MANUAL;
        return forcedFlight.run(command.key(), () -> refreshUnderLease(command.key(), trigger));
    }

    private Optional<AccessToken> servable(ConnectionKey key) {
        return tokens.find(key).filter(token -> policy.isServable(token, clock.instant()));
    }

    /**
     * A request takes a token another holder cached meanwhile; a proactive refresh one that is not due yet; a manual
     * refresh calls the upstream regardless.
     */
    private AccessToken refreshUnderLease(ConnectionKey key, Trigger trigger) {
        if (connections.find(key).isEmpty()) {
            throw new ConnectionNotFoundException(key);
        }
        Optional<Lease> acquired = locks.acquire(key, lease.ttl(), lease.maxWait());
        if (acquired.isEmpty()) {
            throw new TokenUnavailableException("a refresh of " + key + " is still running elsewhere",
                    Optional.of(Duration.ofSeconds(1)));
        }
        try (Lease held = acquired.get()) {
            if (trigger == Trigger.REQUEST) {
                Optional<AccessToken> refreshedMeanwhile = servable(key);
                if (refreshedMeanwhile.isPresent()) {
                    return refreshedMeanwhile.get();
                }
            } else if (trigger == Trigger.PROACTIVE) {
                // Another instance's schedule may have renewed it a moment ago: ahead of need, once is enough.
                Optional<AccessToken> notDueYet = tokens.find(key)
                        .filter(token -> !policy.isDueForRefresh(token, clock.instant()));
                if (notDueYet.isPresent()) {
                    return notDueYet.get();
                }
            }
            Optional<Reauthorisations.Needed> needed = reauthorisations.find(key);
            if (needed.isPresent()) {
                throw new ReauthorisationNeededException(key, needed.get().since());
            }
            // Read under the lease: the previous holder may have rotated the refresh token.
            Connection connection = connections.find(key).orElseThrow(() -> new ConnectionNotFoundException(key));
            return refresh(connection, held, trigger);
        }
    }

    private AccessToken refresh(Connection readUnderLease, Lease held, Trigger trigger) {
        Connection connection = readUnderLease;
        ConnectionKey key = connection.key();
        boolean triedRotatedToken = false;
        CircuitBreaker circuit = circuits.computeIfAbsent(key, k -> new CircuitBreaker(clock,
                resilience.circuitFailureThreshold(), resilience.circuitOpenDuration()));
        keepMinimumInterval(key);
        Instant firstStarted = clock.instant();
        UpstreamException lastFailure = null;
        for (int attempt = 1; ; attempt++) {
            if (!circuit.tryAcquirePermission()) {
                // Refused before any call: not a failed refresh (CIRCUIT_OPENED said it), unless this one had
                // already failed and was waiting to retry when another caller's failure opened the circuit.
                if (lastFailure != null) {
                    refreshFailed(key, lastFailure);
                }
                throw new TokenUnavailableException("the circuit of " + key + " is open after repeated upstream "
                        + "failures", circuit.retryAfter().or(() -> Optional.of(resilience.circuitOpenDuration())));
            }
            Instant startedAt = clock.instant();
            lastUpstreamCall.put(key, startedAt);
            TokenGrant grant;
            try {
                grant = issuer.issue(connection);
            } catch (UpstreamException failure) {
                lastFailure = failure;
                record(key, trigger, startedAt, attempt, Outcome.FAILURE, failure.status(), failure.errorCode(),
                        Optional.ofNullable(failure.getMessage()), held.fence());
                // A refusal proves the upstream is up, and throttling that it is alive (its Retry-After paces us):
                // only outages count against the circuit.
                boolean outage = failure.retryable() && failure.status().orElse(0) != 429;
                CircuitBreaker.Transition moved = outage ? circuit.onFailure() : circuit.onSuccess();
                Optional<Duration> wait = failure.retryable()
                        ? resilience.retry().delayBeforeRetry(attempt,
                                ((UpstreamException.Unavailable) failure).retryAfter(),
                                Duration.between(firstStarted, clock.instant()))
                        : Optional.empty();
                // The call that opened the circuit reports its own failure; the circuit's refusal is for later callers.
                if (wait.isEmpty() || circuit.state() == CircuitBreaker.State.OPEN) {
                    Optional<Connection> rotated = rotatedMeanwhile(connection, failure);
                    if (rotated.isPresent() && !triedRotatedToken && held.fence() > connections.highestFence(key)) {
                        connection = rotated.get();
                        triedRotatedToken = true;
                        announce(key, moved);
                        continue;
                    }
                    refreshFailed(key, failure);
                    if (rotated.isPresent()) {
                        // Our fence could not store what a retry would rotate (the other holder's is higher), and a
                        // second refusal means the other holder is still rotating: the grant is alive either way.
                        announce(key, moved);
                        throw new TokenUnavailableException("the refresh token of " + key + " was rotated by another "
                                + "holder meanwhile", Optional.of(Duration.ofSeconds(1)));
                    }
                    announce(key, moved);
                    if (!failure.retryable()) {
                        markIfGrantIsGone(connection, failure);
                    }
                    throw failure;
                }
                announce(key, moved);
                try {
                    pause.pause(wait.get());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    refreshFailed(key, failure);
                    throw failure;
                }
                continue;
            }
            announce(key, circuit.onSuccess());
            AccessToken token;
            try {
                token = store(connection, grant, startedAt, attempt, held, trigger);
            } catch (RuntimeException notStored) {
                // The upstream answered but the refresh is lost to the caller (e.g. the rotated refresh token could
                // not be saved): still a refresh that ended without a token, so it must not pass unannounced.
                publish(key, ConnectionEvent.Type.REFRESH_FAILED, NOT_STORED, Optional.empty());
                throw notStored;
            }
            publish(key, ConnectionEvent.Type.TOKEN_REFRESHED, trigger.name().toLowerCase(Locale.ROOT),
                    Optional.of(token.expiresAt()));
            return token;
        }
    }

    /** Once per refresh that ended without a token, after its retries: never per attempt. */
    private void refreshFailed(ConnectionKey key, UpstreamException failure) {
        publish(key, ConnectionEvent.Type.REFRESH_FAILED, failureCode(failure), Optional.empty());
    }

    /**
     * The upstream's OAuth error code or our own ({@code timeout}, {@code http_503}), when it is a plain code; the
     * status class otherwise. Never the upstream's text: it could echo a credential.
     */
    static String failureCode(UpstreamException failure) {
        Optional<String> code = failure.errorCode().filter(candidate -> SAFE_CODE.matcher(candidate).matches());
        if (code.isPresent()) {
            return code.get();
        }
        return failure.status().isPresent() ? "http_" + failure.status().getAsInt() / 100 + "xx"
                : failure.retryable() ? "unavailable" : "rejected";
    }

    private void announce(ConnectionKey key, CircuitBreaker.Transition moved) {
        switch (moved) {
            case OPENED -> publish(key, ConnectionEvent.Type.CIRCUIT_OPENED, "calls stop for "
                    + resilience.circuitOpenDuration().toSeconds() + " s after "
                    + resilience.circuitFailureThreshold() + " consecutive failures", Optional.empty());
            case CLOSED -> publish(key, ConnectionEvent.Type.CIRCUIT_CLOSED, "the upstream answered again",
                    Optional.empty());
            case NONE -> { }
        }
    }

    private void publish(ConnectionKey key, ConnectionEvent.Type type, String detail, Optional<Instant> expiresAt) {
        EventPublishing.publish(events, new ConnectionEvent(key, type, clock.instant(), detail, expiresAt));
    }

    /**
     * A refused refresh token cannot heal by itself: asking again only burns the provider's rate limit (and some
     * providers revoke the whole token family on reuse). Client-credentials connections are left alone, since
     * for them {@code invalid_grant} usually means a misconfiguration that is fixed by saving the connection.
     */
    /**
     * The connection as stored now, when the provider refused our refresh token and the store holds another one:
     * another holder rotated it after we read it, which happens when instances could only take in-process leases
     * (Redis unreachable or stalled). The refused token is then stale, not revoked: the connection must not be marked
     * for re-authorisation. One more try with the stored token follows when our fence can still store its rotation;
     * otherwise the caller is told to retry, and the next lease's fence can.
     */
    private Optional<Connection> rotatedMeanwhile(Connection presented, UpstreamException failure) {
        if (presented.refreshToken().isEmpty() || failure.errorCode().filter("invalid_grant"::equals).isEmpty()) {
            return Optional.empty();
        }
        return connections.find(presented.key())
                .filter(stored -> stored.refreshToken().isPresent())
                .filter(stored -> !stored.refreshToken().equals(presented.refreshToken()));
    }

    private void markIfGrantIsGone(Connection connection, UpstreamException failure) {
        if (connection.refreshToken().isPresent() && failure.errorCode().filter("invalid_grant"::equals).isPresent()) {
            reauthorisations.mark(new Reauthorisations.Needed(connection.key(), clock.instant(), "invalid_grant"));
            publish(connection.key(), ConnectionEvent.Type.NEEDS_REAUTHORIZATION,
                    "the provider refused the refresh token (invalid_grant)", Optional.empty());
        }
    }

    private void keepMinimumInterval(ConnectionKey key) {
        Instant last = lastUpstreamCall.get(key);
        if (last == null) {
            return;
        }
        Duration since = Duration.between(last, clock.instant());
        if (since.compareTo(resilience.minInterval()) < 0) {
            try {
                pause.pause(resilience.minInterval().minus(since));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new TokenUnavailableException("interrupted while spacing refreshes of " + key,
                        Optional.of(Duration.ofSeconds(1)));
            }
        }
    }

    private AccessToken store(Connection connection, TokenGrant grant, Instant startedAt, int attempt, Lease held,
                              Trigger trigger) {
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
        record(key, trigger, startedAt, attempt, Outcome.SUCCESS, OptionalInt.empty(), Optional.empty(),
                Optional.empty(), held.fence());
        return token;
    }

    /** The connections whose circuit is not closed right now, for metrics; usually none or a few. */
    public java.util.Map<ConnectionKey, CircuitBreaker.State> circuitsNotClosed() {
        java.util.Map<ConnectionKey, CircuitBreaker.State> notClosed = new java.util.HashMap<>();
        circuits.forEach((key, circuit) -> {
            CircuitBreaker.State state = circuit.state();
            if (state != CircuitBreaker.State.CLOSED) {
                notClosed.put(key, state);
            }
        });
        return notClosed;
    }

    /** The circuit state of a connection's upstream, for status and metrics. */
    @Override
    public CircuitBreaker.State circuitState(ConnectionKey key) {
        CircuitBreaker circuit = circuits.get(key);
        return circuit == null ? CircuitBreaker.State.CLOSED : circuit.state();
    }

    private void record(ConnectionKey key, Trigger trigger, Instant startedAt, int attempt, Outcome outcome,
                        OptionalInt status, Optional<String> errorCode, Optional<String> message, long fence) {
        try {
            refreshLog.record(new RefreshAttempt(key, trigger, outcome, startedAt, clock.instant(), attempt,
                    status, errorCode, message, fence));
        } catch (RuntimeException auditFailure) {
            // The audit trail must not turn a served token into an error; the failure is visible in the log.
            LOG.log(Level.ERROR, "could not record a refresh attempt for " + key, auditFailure);
        }
    }
}
