package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Gives a valid access token for a connection: the cached one while it is outside the refresh buffer, otherwise
 * a new one, with one upstream call however many callers ask at once.
 */
public interface GetAccessToken {

    /**
     * The token and how it was served. When the refresh a request needed failed (the upstream failed, the circuit
     * is open, the lease could not be had in time) and the cached token, though inside its hard buffer, still lasts
     * the stale-if-error minimum, that token is served instead of the failure, marked {@link Served#stale()}.
     *
     * @throws ConnectionNotFoundException    for an unknown connection
     * @throws ReauthorisationNeededException when the provider refused the refresh token earlier
     * @throws UpstreamFailedException        when the upstream failed, after the broker's retries
     * @throws TokenUnavailableException      when the refresh lease could not be had in time or the circuit is open
     * @throws BrokerUnavailableException     when the broker's storage could not be reached
     * @throws MinValidityUnsatisfiableException when even a freshly issued token would not last {@code minValidFor}
     */
    Served serve(Query query);

    /** {@link #serve}, for a caller that does not tell a stale token from a fresh one. */
    default AccessToken get(Query query) {
        return serve(query).token();
    }

    /**
     * @param token the token
     * @param stale true when the refresh this request needed failed and the cached token was served instead: still
     *              valid for at least the stale-if-error minimum, but inside the hard buffer
     */
    record Served(AccessToken token, boolean stale) {
        public Served {
            Objects.requireNonNull(token, "token");
        }

        public static Served fresh(AccessToken token) {
            return new Served(token, false);
        }
    }

    /**
     * The token {@link #get} would answer with, when it can be had without blocking a thread: a hit in memory (at
     * once) or in a store read asynchronously, or the token of a refresh of the connection already in flight in this
     * process, once it lands. Completes with empty otherwise, and then the caller calls {@code get}, off any event
     * loop. Completes exceptionally only when the refresh it waited for failed, with the {@link BrokerException}
     * {@link #serve} would have thrown.
     */
    default CompletionStage<Optional<AccessToken>> getWithoutBlocking(Query query) {
        return CompletableFuture.completedFuture(Optional.empty());
    }

    /**
     * {@link #serve} without blocking the calling thread: a hit as {@link #getWithoutBlocking} finds it, otherwise the
     * refresh on {@code worker}. The answer comes as soon as the new token is stored (a rotated refresh token
     * persisted before it), not after what the refresh still does once it has its token (the audit row, events, the
     * lease's release): that goes on on the worker, and a failure of it reaches the log, not the caller who already
     * has the token. Completes exceptionally with what {@code serve} would throw.
     */
    default CompletionStage<Served> serveWithoutBlocking(Query query, Executor worker) {
        return serveWithoutBlocking(query, worker, Runnable::run);
    }

    /**
     * As {@link #serveWithoutBlocking(Query, Executor)}; a request that joins a refresh already in flight in this
     * process continues on {@code caller} (the request's own event loop) once the refresh lands. On the thread that
     * completed the refresh, a stampede's callers were answered one after another — 100 callers' answers built and
     * serialised in turn on one thread while the other cores idled; each on its own event loop, they are answered in
     * parallel, and the answer is written where it is built.
     */
    default CompletionStage<Served> serveWithoutBlocking(Query query, Executor worker, Executor caller) {
        return getWithoutBlocking(query).thenCompose(hit -> hit.isPresent()
                ? CompletableFuture.completedFuture(Served.fresh(hit.get()))
                : CompletableFuture.supplyAsync(() -> serve(query), worker));
    }

    /**
     * Which connection's token is wanted, and for how long at least it must stay valid from now (zero: any servable
     * token). A cached token with less left is refreshed like a miss.
     */
    record Query(ConnectionKey key, Duration minValidFor) {
        public Query {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(minValidFor, "minValidFor");
            if (minValidFor.isNegative()) {
                throw new IllegalArgumentException("the minimum validity must not be negative");
            }
        }

        /** Any servable token will do. */
        public Query(ConnectionKey key) {
            this(key, Duration.ZERO);
        }
    }
}
