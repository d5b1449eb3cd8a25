package io.tokenbroker.application.port.out;

/**
 * Told how each token request ended, for operational metrics. Called on the request path, so an implementation must
 * not block and must not throw; it never sees a tenant, a connection or a token.
 */
@FunctionalInterface
public interface TokenRequestOutcomes {

    /** How a request was answered. */
    enum Outcome {
        /** A servable token from the cache (near cache or shared). */
        CACHE_HIT,
        /** No servable token: this request refreshed, waited for another caller's refresh, or found one later. */
        MISS,
        /** The request failed (unknown connection, upstream failure, lease not had, re-authorisation needed). */
        ERROR
    }

    void record(Outcome outcome);

    /** Records nothing: the default where nobody measures. */
    static TokenRequestOutcomes ignore() {
        return outcome -> { };
    }
}
