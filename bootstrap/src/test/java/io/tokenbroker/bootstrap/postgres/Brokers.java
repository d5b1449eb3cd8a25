package io.tokenbroker.bootstrap.postgres;

import io.micronaut.json.JsonMapper;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.domain.connection.ClientAuthMethod;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.connection.Secret;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import io.tokenbroker.adapters.http.upstream.OAuth2TokenIssuer;
import io.tokenbroker.adapters.http.upstream.TokenEndpointClient;
import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryReauthorisations;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.application.service.GetAccessTokenService;
import io.tokenbroker.application.service.LeaseSettings;
import io.tokenbroker.application.service.ResilienceSettings;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.domain.resilience.Backoff;
import io.tokenbroker.domain.resilience.RetryPolicy;
import io.tokenbroker.domain.token.ExpiryRules;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Clock;
import java.time.Duration;

/** Hand-wired brokers for the PostgreSQL end-to-end tests: the production classes, no Micronaut context. */
final class Brokers {

    static final Clock CLOCK = Clock.systemUTC();

    private Brokers() {
    }

    /**
     * A connection to the sandbox holding {@code refreshToken}. Built here rather than with the application's
     * test-data builder: its test-jar on this classpath would count as production code for the ArchUnit rules.
     */
    static Connection connection(ConnectionKey key, SandboxUpstream upstream, String clientId, String clientSecret,
                                 String refreshToken) {
        return new Connection(key, ProviderType.OAUTH2, upstream.tokenUrl(), Optional.of(clientId),
                Optional.of(Secret.of(clientSecret)), List.of("read"), ClientAuthMethod.CLIENT_SECRET_BASIC,
                Optional.of(Secret.of(refreshToken)), Map.of());
    }

    static TokenIssuer issuer() {
        return new OAuth2TokenIssuer(new TokenEndpointClient(TokenEndpointClient.httpClient(Duration.ofSeconds(3)),
                JsonMapper.createDefault(), CLOCK, ExpiryRules.defaults(), Duration.ofSeconds(10)));
    }

    static GetAccessTokenService broker(TokenStore tokens, Connections connections, TokenIssuer issuer,
                                        LockManager locks) {
        // No retries and no minimum interval: the soak counts upstream calls and must not wait between rounds.
        ResilienceSettings once = new ResilienceSettings(new RetryPolicy(1, Duration.ZERO,
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), RandomGenerator.getDefault())),
                Integer.MAX_VALUE, Duration.ofSeconds(30), Duration.ZERO);
        return new GetAccessTokenService(new GetAccessTokenService.Ports(tokens, connections, issuer, locks,
                new InMemoryRefreshLog(100), new InMemoryReauthorisations(), new InMemoryConnectionEvents(100),
                TokenRequestOutcomes.ignore()),
                new GetAccessTokenService.Settings(RefreshPolicy.defaults(), LeaseSettings.defaults(), once), CLOCK,
                wait -> java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait.toNanos()));
    }
}
