package io.tokenbroker.application.service;

import io.tokenbroker.application.inmemory.InMemoryCircuitLedger;
import io.tokenbroker.application.port.in.BrokerException;
import io.tokenbroker.application.port.in.CircuitStates;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.RefreshConnection;
import io.tokenbroker.application.port.in.TokenUnavailableException;
import io.tokenbroker.application.port.in.UpstreamFailedException;
import io.tokenbroker.application.port.out.CircuitLedger;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.Pause;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import io.tokenbroker.domain.token.StaleIfError;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Cache hit: return. Otherwise one refresh per connection in this process (single flight), under the connection's
 * lease across processes ({@link RequestRefreshes}); its caller is answered once the token is stored, before the
 * refresh's audit row, events and lease release ({@link #serveWithoutBlocking}). A request that finds no servable
 * token in memory while this process's refresh of the connection is in flight joins it without blocking a thread
 * and without reading the store: in a stampede the callers after the first wait for one completion, not each for a
 * worker thread and a read of a store the flight is about to fill. A request whose refresh failed as an outage may
 * get the cached token still (stale-if-error, see {@link #serve}).
 *
 * <p>How the upstream is called (circuit, minimum interval, retries, audit rows) is {@link UpstreamCalls}' policy;
 * what a failure means for the connection {@link LeasedRefreshes}'; which token answers a request, and how the request
 * is counted, {@link TokenAnswers}'. Failures reach the caller as {@link BrokerException}s and are never cached: the
 * next request past the backoff window tries again.
 *
 * <p>Events: TOKEN_REFRESHED and REFRESH_FAILED {@code not_stored} come from {@link GrantStorage},
 * NEEDS_REAUTHORIZATION from {@link RefusedGrants}, the rest from {@link UpstreamCalls}. Publishing never fails a
 * request.
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
    private final TokenAnswers answers;
    // Forced refreshes get their own flight: joining a request's flight could hand back the token that request
    // found cached under the lease, which is exactly what a forced refresh must not return.
    private final SingleFlight<ConnectionKey, AccessToken> forcedFlight = new SingleFlight<>();
    private final UpstreamCalls upstream;
    private final LeasedRefreshes leased;
    private final RequestRefreshes requests;

    public GetAccessTokenService(Ports ports, Settings settings, Clock clock, Pause pause) {
        Objects.requireNonNull(clock, "clock");
        RefreshPolicy policy = settings.policy();
        this.tokens = ports.tokens();
        this.answers = new TokenAnswers(policy, settings.staleIfError(), ports.outcomes(), clock);
        this.upstream = new UpstreamCalls(ports.issuer(), ports.refreshLog(), ports.events(), ports.circuits(),
                settings.resilience(), clock, pause);
        this.leased = new LeasedRefreshes(new LeasedRefreshes.Parts(tokens, ports.connections(), ports.locks(),
                ports.reauthorisations(), upstream,
                new RefusedGrants(ports.connections(), ports.reauthorisations(), ports.events(), clock),
                new GrantStorage(tokens, ports.connections(), ports.events(), policy, clock)),
                policy, settings.lease(), clock);
        this.requests = new RequestRefreshes(leased, policy, clock);
    }

    /** The circuits of the upstreams this service calls, for status and metrics. */
    public CircuitStates circuits() {
        return upstream;
    }

    /**
     * Callers in this process waiting for a refresh in flight, each on a thread or not (an estimate while they come
     * and go): the size of a stampede as this instance sees it.
     */
    public int waitingForRefresh() {
        return requests.waiting() + forcedFlight.waiting();
    }

    /**
     * Memory first; then this process's refresh of the connection if one is in flight; then the store, read
     * asynchronously. A joined refresh's token is a miss served; its failure is the caller's as {@link #serve} would
     * report it, unless a stale token might be served instead: then empty, and {@link #serve} decides.
     */
    @Override
    public CompletionStage<Optional<AccessToken>> getWithoutBlocking(Query query) {
        return read(query, Runnable::run).thenApply(Read::hit);
    }

    /**
     * As {@link #getWithoutBlocking}; a miss is served on {@code worker} with what the store read found (no second
     * read), and answered as soon as its token is stored; a request that joined a refresh in flight continues on
     * {@code caller} when it lands.
     */
    @Override
    public CompletionStage<Served> serveWithoutBlocking(Query query, Executor worker, Executor caller) {
        return read(query, caller).thenCompose(read -> read.hit().isPresent()
                ? CompletableFuture.completedFuture(Served.fresh(read.hit().get()))
                : servedOn(worker, query, read.found()));
    }

    /**
     * A token to serve, else how to have what the store holds, for the miss: the read already made, or (after a
     * joined refresh, which read memory only) a read on the worker.
     */
    private record Read(Optional<AccessToken> hit, Supplier<Optional<TokenStore.Found>> found) {
    }

    /** @param caller where a request that joined a refresh in flight continues when it lands */
    private CompletionStage<Read> read(Query query, Executor caller) {
        ConnectionKey key = query.key();
        Optional<TokenStore.Found> inMemory = tokens.lookupInMemory(key);
        Optional<AccessToken> hit = answers.cached(query, inMemory);
        if (hit.isPresent()) {
            return CompletableFuture.completedFuture(new Read(hit, () -> inMemory));
        }
        Optional<CompletionStage<AccessToken>> flying = requests.running(key);
        if (flying.isPresent()) {
            return flying.get().handleAsync((token, failed) ->
                    new Read(answers.joined(query, inMemory, token, failed), () -> tokens.lookup(key)), caller);
        }
        return tokens.lookupWithoutBlocking(key)
                .thenApply(found -> new Read(answers.cached(query, found), () -> found));
    }

    private CompletionStage<Served> servedOn(Executor worker, Query query,
                                            Supplier<Optional<TokenStore.Found>> found) {
        CompletableFuture<Served> answer = new CompletableFuture<>();
        worker.execute(() -> {
            try {
                answer.complete(serve(query, found.get(), answer));
            } catch (RuntimeException | Error failed) {
                if (!answer.completeExceptionally(failed)) {
                    LOG.log(Level.WARNING, "the refresh of " + query.key() + " failed after its token was served",
                            failed);
                }
            }
        });
        return answer;
    }

    /**
     * A hit is counted where {@link TokenAnswers#cached} finds it. A refresh that failed as an outage (the upstream
     * unavailable, the circuit open, the lease not had in time) serves the token read at the start if
     * {@link StaleIfError} allows it; a refusal (4xx, {@code invalid_grant}) never does: the caller must hear of it
     * while the token still works.
     */
    @Override
    public Served serve(Query query) {
        return serve(query, tokens.lookup(query.key()), new CompletableFuture<>());
    }

    /**
     * @param found  what the store held when the request began
     * @param landed completed with the answer as soon as the refresh has stored a token this query may be served
     *               (then the refresh's remaining work follows on this thread); a failure after that is not the
     *               caller's and is only thrown
     */
    private Served serve(Query query, Optional<TokenStore.Found> found, CompletableFuture<Served> landed) {
        ConnectionKey key = query.key();
        Optional<AccessToken> served = answers.cached(query, found);
        if (served.isPresent()) {
            return Served.fresh(served.get());
        }
        try {
            // Up front when the cached token shows how long this connection's tokens live: no refresh is spent on
            // a wish a fresh token cannot grant.
            found.ifPresent(hit -> requests.requireMeetable(key, hit.token(), query.minValidFor()));
            AccessToken token = requests.fetched(key, query.minValidFor(),
                    stored -> answers.answerOnce(landed, stored));
            answers.answerOnce(landed, token);
            return Served.fresh(token);
        } catch (UpstreamFailedException.Unavailable | TokenUnavailableException outage) {
            if (landed.isDone()) {
                throw outage;
            }
            return answers.staleOrThrow(query, found, outage);
        } catch (RuntimeException failed) {
            if (!landed.isDone()) {
                answers.failed();
            }
            throw failed;
        }
    }

    @Override
    public AccessToken refresh(RefreshConnection.Command command) {
        Trigger trigger = command.reason() == Reason.PROACTIVE ? Trigger.PROACTIVE : Trigger.MANUAL;
        return forcedFlight.runTelling(command.key(), landed -> StoreOutages.translated(
                () -> leased.underLease(command.key(), trigger, Duration.ZERO, landed)));
    }
}
