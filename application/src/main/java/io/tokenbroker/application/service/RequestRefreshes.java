package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.MinValidityUnsatisfiableException;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The refreshes requests need: one per connection at a time in this process (single flight), under the connection's
 * lease across processes ({@link LeasedRefreshes}). Every caller of a flight, its leader first, has the token once it
 * is stored, not after what the refresh does next (the audit row, the events, the lease's release).
 */
final class RequestRefreshes {

    private final SingleFlight<ConnectionKey, AccessToken> flights = new SingleFlight<>();
    private final LeasedRefreshes leased;
    private final RefreshPolicy policy;
    private final Clock clock;

    RequestRefreshes(LeasedRefreshes leased, RefreshPolicy policy, Clock clock) {
        this.leased = leased;
        this.policy = policy;
        this.clock = clock;
    }

    /** The refresh of {@code key} in flight, for a caller that joins it without a thread. */
    Optional<CompletionStage<AccessToken>> running(ConnectionKey key) {
        return flights.running(key);
    }

    /** Callers waiting for a refresh in flight, on a thread or not; an estimate while they come and go. */
    int waiting() {
        return flights.waiting();
    }

    /**
     * A token that lasts {@code minValidFor}. A caller may join a flight led by one that wanted less validity, and so
     * get the token that caller found still good enough under the lease; it then flies once more with its own need,
     * which refreshes. A token issued too short-lived for the need is the caller's 422, not a reason to refresh again.
     *
     * @param servable told of the token as soon as a flight this caller leads has stored one that lasts
     *                 {@code minValidFor}, before the rest of the refresh; a joined flight's token is only returned
     */
    AccessToken fetched(ConnectionKey key, Duration minValidFor, Consumer<AccessToken> servable) {
        AccessToken token = null;
        for (int flight = 0; flight < 2; flight++) {
            token = flights.runTelling(key, landed -> StoreOutages.translated(
                    () -> leased.underLease(key, Trigger.REQUEST, minValidFor, stored -> {
                        if (policy.isServable(stored, clock.instant(), minValidFor)) {
                            servable.accept(stored);
                        }
                        landed.accept(stored);
                    })));
            if (policy.isServable(token, clock.instant(), minValidFor)) {
                return token;
            }
            requireMeetable(key, token, minValidFor);
        }
        throw new MinValidityUnsatisfiableException(key, minValidFor, token.lifetime());
    }

    /** @throws MinValidityUnsatisfiableException when tokens living as long as this one cannot last the need */
    void requireMeetable(ConnectionKey key, AccessToken token, Duration minValidFor) {
        if (!policy.canMeet(token.lifetime(), minValidFor)) {
            throw new MinValidityUnsatisfiableException(key, minValidFor, token.lifetime());
        }
    }
}
