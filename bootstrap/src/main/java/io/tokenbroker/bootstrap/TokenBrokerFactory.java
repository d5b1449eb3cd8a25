package io.tokenbroker.bootstrap;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.json.JsonMapper;
import io.tokenbroker.adapters.http.upstream.EgressGuard;
import io.tokenbroker.adapters.http.upstream.ProviderTokenIssuer;
import io.tokenbroker.adapters.http.upstream.TokenEndpointClient;
import io.tokenbroker.application.port.in.CircuitStates;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.port.out.CircuitLedger;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.application.service.ConnectionService;
import io.tokenbroker.application.service.ConnectionStatusService;
import io.tokenbroker.application.service.GetAccessTokenService;
import io.tokenbroker.application.service.InvalidateTokenService;
import io.tokenbroker.application.service.RefreshHistoryService;
import io.tokenbroker.bootstrap.config.LeaseConfiguration;
import io.tokenbroker.bootstrap.config.RefreshConfiguration;
import io.tokenbroker.bootstrap.config.ResilienceConfiguration;
import io.tokenbroker.bootstrap.config.TokenConfiguration;
import io.tokenbroker.bootstrap.config.UpstreamConfiguration;
import io.tokenbroker.bootstrap.metrics.MeteredLockManager;
import io.tokenbroker.bootstrap.metrics.MeteredTokenIssuer;
import io.tokenbroker.bootstrap.shutdown.HeldLeases;
import io.tokenbroker.bootstrap.tracing.TracedPorts;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Wires the token and connection use cases to their ports. The core carries no framework annotations; which adapter
 * serves which out-port is {@link AdapterSelection}'s decision ({@link SelectedAdapters} builds it). Connection
 * events and their webhooks: {@link ConnectionEventsFactory}; refresh-ahead: {@link ProactiveRefreshFactory}.
 */
@Factory
public class TokenBrokerFactory {

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Jitter only needs to spread callers apart, not to be unpredictable; tests inject their own. */
    @Singleton
    RandomGenerator random() {
        return RandomGenerator.getDefault();
    }

    /**
     * Every call to a token endpoint (refreshes and the connect flow's code exchange) goes through this client;
     * closed with the context, so its pooled connections close too.
     */
    @Singleton
    @Bean(preDestroy = "close")
    TokenEndpointClient tokenEndpointClient(JsonMapper json, Clock clock, TokenConfiguration token,
                                            UpstreamConfiguration upstream, EgressGuard egress) {
        return new TokenEndpointClient(TokenEndpointClient.httpClient(upstream.connectTimeout()), json, clock,
                token.expiryRules(), upstream.requestTimeout(), egress);
    }

    @Singleton
    TokenIssuer tokenIssuer(TokenEndpointClient client) {
        return new ProviderTokenIssuer(client);
    }

    @Singleton
    GetAccessTokenService getAccessToken(TokenStore tokens, Connections connections, TokenIssuer issuer,
                                         LockManager locks, RefreshLog refreshLog, Clock clock,
                                         RefreshConfiguration refresh, LeaseConfiguration lease,
                                         ResilienceConfiguration resilience, RandomGenerator random,
                                         Reauthorisations reauthorisations, ConnectionEvents events,
                                         TokenRequestOutcomes outcomes, MeterRegistry registry,
                                         TracedPorts traced, HeldLeases held, CircuitLedger circuits) {
        return new GetAccessTokenService(
                new GetAccessTokenService.Ports(traced.tokenStore(tokens), traced.connections(connections),
                        traced.tokenIssuer(new MeteredTokenIssuer(issuer, registry)),
                        traced.lockManager(new MeteredLockManager(held.tracking(locks), registry)), refreshLog,
                        reauthorisations, events, outcomes, circuits),
                new GetAccessTokenService.Settings(refresh.policy(), lease.settings(), resilience.settings(random),
                        refresh.staleIfError()),
                clock, wait -> TimeUnit.NANOSECONDS.sleep(wait.toNanos()));
    }

    @Singleton
    InvalidateTokenService invalidateToken(TokenStore tokens, Connections connections) {
        return new InvalidateTokenService(tokens, connections);
    }

    @Singleton
    ConnectionService connectionService(Connections connections, TokenStore tokens,
                                        Reauthorisations reauthorisations, ConnectionEvents events,
                                        EgressGuard egress, Clock clock) {
        return new ConnectionService(connections, tokens, reauthorisations, events, egress, clock);
    }

    /** The circuits live in the token service's upstream policy; status and metrics read them through this. */
    @Singleton
    CircuitStates circuitStates(GetAccessTokenService tokens) {
        return tokens.circuits();
    }

    @Singleton
    ConnectionStatusService connectionStatus(Connections connections, TokenStore tokens, RefreshLog refreshLog,
                                             Reauthorisations reauthorisations, CircuitStates circuits,
                                             RefreshConfiguration refresh, Clock clock) {
        return new ConnectionStatusService(connections, tokens, refreshLog, reauthorisations, circuits,
                refresh.policy(), clock);
    }

    @Singleton
    RefreshHistoryService refreshHistory(RefreshLog refreshLog) {
        return new RefreshHistoryService(refreshLog);
    }
}
