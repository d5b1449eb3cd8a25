package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.GetAccessToken.Query;
import io.tokenbroker.application.port.in.GetAccessToken.Served;
import io.tokenbroker.application.port.in.TokenUnavailableException;
import io.tokenbroker.application.port.in.UpstreamFailedException;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.application.port.out.TokenRequestOutcomes.Outcome;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import io.tokenbroker.domain.token.StaleIfError;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Which token answers a token request, and how the request is counted ({@link TokenRequestOutcomes}), once: a
 * cached token the refresh policy lets serve the query, else the token of the refresh the request made or joined,
 * else, when that refresh failed as an outage, the token read at the start if {@link StaleIfError} allows it.
 * {@link GetAccessTokenService} decides when to read and when to refresh; this, what the answer is.
 */
final class TokenAnswers {

    private final RefreshPolicy policy;
    private final StaleIfError staleIfError;
    private final TokenRequestOutcomes outcomes;
    private final Clock clock;

    TokenAnswers(RefreshPolicy policy, StaleIfError staleIfError, TokenRequestOutcomes outcomes, Clock clock) {
        this.policy = policy;
        this.staleIfError = staleIfError;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    /**
     * The cached token if it may be served for this query, counted once: a token due for refresh is stale whichever
     * cache held it, since that is what shows refresh-ahead falling behind; otherwise a near-cache or a store hit by
     * where it was read.
     */
    Optional<AccessToken> cached(Query query, Optional<TokenStore.Found> found) {
        Instant now = clock.instant();
        Optional<TokenStore.Found> cached = found
                .filter(hit -> policy.isServable(hit.token(), now, query.minValidFor()));
        cached.ifPresent(hit -> outcomes.record(policy.isDueForRefresh(hit.token(), now)
                ? Outcome.STALE_SERVED : hit.source() == TokenStore.Source.NEAR_CACHE
                ? Outcome.NEAR_CACHE_HIT : Outcome.CACHE_HIT));
        return cached.map(TokenStore.Found::token);
    }

    /**
     * The answer of a request that joined this process's refresh in flight: its token, a miss served; or its
     * failure, thrown as {@link GetAccessTokenService#serve} would; or empty when the token does not serve the query,
     * or the failure was an outage and a stale token might answer instead: then the request is served as a miss.
     */
    Optional<AccessToken> joined(Query query, Optional<TokenStore.Found> found, AccessToken token, Throwable failed) {
        if (failed == null) {
            if (!policy.isServable(token, clock.instant(), query.minValidFor())) {
                return Optional.empty();
            }
            outcomes.record(Outcome.MISS);
            return Optional.of(token);
        }
        Throwable cause = failed instanceof CompletionException wrapped && wrapped.getCause() != null
                ? wrapped.getCause() : failed;
        // As serve: only an outage may be answered with the stale token, and serve makes that answer.
        boolean outage = cause instanceof UpstreamFailedException.Unavailable
                || cause instanceof TokenUnavailableException;
        if (outage && stale(query, found).isPresent()) {
            return Optional.empty();
        }
        outcomes.record(Outcome.ERROR);
        throw cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
    }

    /** A miss served is counted once, when its caller is answered. */
    void answerOnce(CompletableFuture<Served> landed, AccessToken token) {
        if (!landed.isDone()) {
            outcomes.record(Outcome.MISS);
            landed.complete(Served.fresh(token));
        }
    }

    /**
     * The answer to a request whose refresh failed as an outage before it was answered: the token read at the start
     * if {@link StaleIfError} lets it serve the query, else the outage.
     */
    Served staleOrThrow(Query query, Optional<TokenStore.Found> found, RuntimeException outage) {
        Optional<AccessToken> stale = stale(query, found);
        outcomes.record(stale.isPresent() ? Outcome.STALE_IF_ERROR : Outcome.ERROR);
        return new Served(stale.orElseThrow(() -> outage), true);
    }

    /** A request that failed before it was answered. */
    void failed() {
        outcomes.record(Outcome.ERROR);
    }

    /** The token read at the start, if {@link StaleIfError} lets it answer a request whose refresh had an outage. */
    private Optional<AccessToken> stale(Query query, Optional<TokenStore.Found> found) {
        return found.map(TokenStore.Found::token)
                .filter(token -> staleIfError.allows(token, clock.instant(), query.minValidFor()));
    }
}
