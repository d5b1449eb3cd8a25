package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryReauthorisations;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.ConnectRequiredException;
import io.tokenbroker.application.port.in.ConnectionStatus.Health;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.ReadConnectionStatus;
import io.tokenbroker.application.port.in.SaveConnection;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.application.testing.ResilienceTestData;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Issue 14 items 1 and 2: an authorization-code connection before and after consent, and saving over one. */
class ConsentGrantTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "books");

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryTokenStore tokens = new InMemoryTokenStore(clock);
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, Duration.ofHours(1));
    private final InMemoryReauthorisations reauthorisations = new InMemoryReauthorisations();
    private final InMemoryConnectionEvents events = new InMemoryConnectionEvents(10);
    private final InMemoryRefreshLog refreshLog = new InMemoryRefreshLog(100);
    private final GetAccessTokenService tokenService = new GetAccessTokenService(new GetAccessTokenService.Ports(
            tokens, connections, issuer, new InMemoryLockManager(), refreshLog, reauthorisations, events,
            TokenRequestOutcomes.ignore()),
            new GetAccessTokenService.Settings(RefreshPolicy.defaults(),
                    new LeaseSettings(Duration.ofSeconds(30), Caller.HANG_GUARD), ResilienceTestData.noRetries()),
            clock, new VirtualPause(clock));
    private final ConnectionService connectionService = new ConnectionService(connections, tokens, reauthorisations,
            events, (url, savedBy) -> Optional.empty(), clock);
    private final ConnectionStatusService status = new ConnectionStatusService(connections, tokens, refreshLog,
            reauthorisations, tokenService.circuits(), RefreshPolicy.defaults(), clock);

    private static Connection quickbooks(String clientSecret, Optional<String> refreshToken) {
        var data = aConnection().withKey(KEY).withProvider(ProviderType.QUICKBOOKS).withClientSecret(clientSecret)
                .withSettings(Map.of("realm_id", "9130"));
        return (refreshToken.isPresent() ? data.withRefreshToken(refreshToken.get()) : data.withoutRefreshToken())
                .build();
    }

    private void save(Connection connection) {
        connectionService.save(new SaveConnection.Command(connection));
    }

    @Test
    void beforeConsentATokenRequestIsAConnectRequiredConflictAndTheUpstreamIsNotCalled() {
        save(quickbooks("s1", Optional.empty()));

        ConnectRequiredException conflict = assertThrows(ConnectRequiredException.class,
                () -> tokenService.get(new GetAccessToken.Query(KEY)));

        assertEquals("connect-required", conflict.problemType());
        assertTrue(conflict.detail().contains("POST /v1/tenants/acme/connections/books/connect"), conflict.detail());
        assertEquals(0, issuer.calls());
        assertEquals(Health.NOT_CONNECTED, status.status(new ReadConnectionStatus.Query(KEY)).health());
    }

    @Test
    void aNewClientSecretKeepsTheConsentedRefreshTokenAndItsReauthorisationMark() {
        save(quickbooks("s1", Optional.of("consented-rt")));
        reauthorisations.mark(new Reauthorisations.Needed(KEY, clock.instant(), "invalid_grant"));

        save(quickbooks("s2", Optional.empty()));

        Connection stored = connections.find(KEY).orElseThrow();
        assertEquals(Optional.of(Secret.of("consented-rt")), stored.refreshToken());
        assertEquals(Optional.of(Secret.of("s2")), stored.clientSecret());
        assertTrue(reauthorisations.find(KEY).isPresent(), "a rotated secret is no new consent");
        assertEquals(Health.NEEDS_REAUTH, status.status(new ReadConnectionStatus.Query(KEY)).health());
    }

    @Test
    void aNewRefreshTokenReplacesTheConsentAndClearsTheMark() {
        save(quickbooks("s1", Optional.of("consented-rt")));
        reauthorisations.mark(new Reauthorisations.Needed(KEY, clock.instant(), "invalid_grant"));

        save(quickbooks("s1", Optional.of("pasted-rt")));

        assertEquals(Optional.of(Secret.of("pasted-rt")), connections.find(KEY).orElseThrow().refreshToken());
        assertEquals(Optional.empty(), reauthorisations.find(KEY));
        assertEquals(ConnectionEvent.Type.REAUTHORIZED, events.recent(1).get(0).type());
        assertEquals("tok-1", tokenService.get(new GetAccessToken.Query(KEY)).value());
    }
}
