package io.tokenbroker.application.port.out;

/**
 * Told how each token request ended, for operational metrics: exactly once per request, with exactly one outcome, so
 * the outcomes add up to the request count. Called on the request path, so an implementation must not block and must
 * not throw; it never sees a tenant, a connection or a token.
 */
@FunctionalInterface
public interface TokenRequestOutcomes {

    /** How a request was answered. */
    enum Outcome {
        /** A servable token, not yet due for refresh, read from the store (shared, or the embedded one). */
        CACHE_HIT,
        /** A servable token, not yet due for refresh, read from this instance's near cache in front of the store. */
        NEAR_CACHE_HIT,
        /**
         * A servable token already past its refresh-ahead point, from either cache: served instead of counted as a
         * hit, because it shows refresh-ahead falling behind (a few are normal between the point and the next tick).
         */
        STALE_SERVED,
        /** No servable token: this request refreshed, waited for another caller's refresh, or found one later. */
        MISS,
        /**
         * No servable token and the refresh failed, so the cached token inside its hard buffer that still lasted the
         * stale-if-error minimum was served (marked {@code Tokenbroker-Stale: refresh-failed}).
         */
        STALE_IF_ERROR,
        /**
         * The request failed (unknown connection, upstream failure, lease not had, re-authorisation needed) and no
         * token could be served instead.
         */
        ERROR
    }

    void record(Outcome outcome);

    /** Records nothing: the default where nobody measures. */
    static TokenRequestOutcomes ignore() {
        return outcome -> { };
    }
}
