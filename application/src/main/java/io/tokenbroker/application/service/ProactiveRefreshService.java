package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.RefreshConnection;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The serving side of refresh-ahead, in front of the token service: every token it hands out (to a request or a
 * forced refresh) is offered to the refresh schedule at {@link RefreshPolicy#refreshAheadAt}, and requests record
 * demand there, so that {@link RefreshDueConnectionsService} (on any instance sharing the schedule) renews it before
 * a caller has to wait. What the schedule hears, and how rarely, is {@link ScheduleOffers}'s business.
 */
public final class ProactiveRefreshService implements GetAccessToken, RefreshConnection {

    private final GetAccessToken tokens;
    private final RefreshConnection refresher;
    private final ScheduleOffers offers;

    /**
     * @param tokens    the token service being decorated
     * @param refresher the same service's forced refresh
     */
    public ProactiveRefreshService(GetAccessToken tokens, RefreshConnection refresher, ScheduleOffers offers) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.refresher = Objects.requireNonNull(refresher, "refresher");
        this.offers = Objects.requireNonNull(offers, "offers");
    }

    @Override
    public Served serve(Query query) {
        Served served = tokens.serve(query);
        offers.tell(query.key(), served.token(), true);
        return served;
    }

    /** A hit offers nothing that waits: {@link ScheduleOffers} writes in the background. */
    @Override
    public CompletionStage<Optional<AccessToken>> getWithoutBlocking(Query query) {
        return tokens.getWithoutBlocking(query).thenApply(token -> {
            token.ifPresent(hit -> offers.tell(query.key(), hit, true));
            return token;
        });
    }

    /** Offered once answered: the refresh's remaining work does not wait for the offer, nor the offer for it. */
    @Override
    public CompletionStage<Served> serveWithoutBlocking(Query query, Executor worker, Executor caller) {
        return tokens.serveWithoutBlocking(query, worker, caller).thenApply(served -> {
            offers.tell(query.key(), served.token(), true);
            return served;
        });
    }

    @Override
    public AccessToken refresh(Command command) {
        AccessToken token = refresher.refresh(command);
        offers.tell(command.key(), token, false);
        return token;
    }
}
