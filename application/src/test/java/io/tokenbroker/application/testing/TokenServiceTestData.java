package io.tokenbroker.application.testing;

import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryReauthorisations;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.application.service.GetAccessTokenService;
import io.tokenbroker.application.service.LeaseSettings;
import io.tokenbroker.domain.token.RefreshPolicy;
import io.tokenbroker.domain.token.StaleIfError;
import java.time.Duration;

/**
 * Builds a {@link GetAccessTokenService} over in-memory adapters for use-case tests:
 * {@code aTokenService(clock).tokens(tokens).locks(locks).build()}. Every part has a default (in-memory adapters on
 * {@code clock}, default refresh policy, a 30 s lease waited for 5 s at most, one attempt per refresh, no
 * stale-if-error, pauses on {@code clock}), so a test names only the parts it watches.
 */
public final class TokenServiceTestData {

    private final TestClock clock;
    private TokenStore tokens;
    private Connections connections = new InMemoryConnections();
    private TokenIssuer issuer;
    private LockManager locks = new InMemoryLockManager();
    private RefreshLog refreshLog = new InMemoryRefreshLog(100);
    private ConnectionEvents events = new InMemoryConnectionEvents(10);
    private TokenRequestOutcomes outcomes = TokenRequestOutcomes.ignore();
    private LeaseSettings lease = new LeaseSettings(Duration.ofSeconds(30), Duration.ofSeconds(5));
    private StaleIfError staleIfError = StaleIfError.off();

    private TokenServiceTestData(TestClock clock) {
        this.clock = clock;
        this.tokens = new InMemoryTokenStore(clock);
        this.issuer = new InMemoryTokenIssuer(clock, Duration.ofHours(1));
    }

    public static TokenServiceTestData aTokenService(TestClock clock) {
        return new TokenServiceTestData(clock);
    }

    public TokenServiceTestData tokens(TokenStore tokens) {
        this.tokens = tokens;
        return this;
    }

    public TokenServiceTestData connections(Connections connections) {
        this.connections = connections;
        return this;
    }

    public TokenServiceTestData issuer(TokenIssuer issuer) {
        this.issuer = issuer;
        return this;
    }

    public TokenServiceTestData locks(LockManager locks) {
        this.locks = locks;
        return this;
    }

    public TokenServiceTestData refreshLog(RefreshLog refreshLog) {
        this.refreshLog = refreshLog;
        return this;
    }

    public TokenServiceTestData events(ConnectionEvents events) {
        this.events = events;
        return this;
    }

    public TokenServiceTestData outcomes(TokenRequestOutcomes outcomes) {
        this.outcomes = outcomes;
        return this;
    }

    public TokenServiceTestData lease(LeaseSettings lease) {
        this.lease = lease;
        return this;
    }

    public TokenServiceTestData staleIfError(StaleIfError staleIfError) {
        this.staleIfError = staleIfError;
        return this;
    }

    public GetAccessTokenService build() {
        return new GetAccessTokenService(
                new GetAccessTokenService.Ports(tokens, connections, issuer, locks, refreshLog,
                        new InMemoryReauthorisations(), events, outcomes),
                new GetAccessTokenService.Settings(RefreshPolicy.defaults(), lease, ResilienceTestData.noRetries(),
                        staleIfError),
                clock, new VirtualPause(clock));
    }
}
