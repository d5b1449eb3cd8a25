package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryReauthorisations;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.application.port.in.ConnectionStatus;
import io.tokenbroker.application.port.in.ConnectionStatus.Health;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.ListConnectionStatus;
import io.tokenbroker.application.port.in.ReadConnectionStatus;
import io.tokenbroker.application.port.in.UpstreamFailedException;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.application.testing.ResilienceTestData;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.TenantId;
import io.tokenbroker.domain.resilience.CircuitBreaker;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Health as the clock moves and as the upstream fails, over the in-memory adapters and the real token path. */
class ConnectionStatusServiceTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final Duration LIFETIME = Duration.ofHours(1);

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryTokenStore tokens = new InMemoryTokenStore(clock);
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, LIFETIME);
    private final InMemoryRefreshLog refreshLog = new InMemoryRefreshLog(100);
    private final InMemoryReauthorisations reauthorisations = new InMemoryReauthorisations();
    private final GetAccessTokenService tokenService = new GetAccessTokenService(new GetAccessTokenService.Ports(
            tokens, connections, issuer, new InMemoryLockManager(), refreshLog, reauthorisations,
            new InMemoryConnectionEvents(10), TokenRequestOutcomes.ignore()),
            new GetAccessTokenService.Settings(RefreshPolicy.defaults(),
                    new LeaseSettings(Duration.ofSeconds(30), Caller.HANG_GUARD), ResilienceTestData.noRetries()),
            clock, new VirtualPause(clock));
    private final ConnectionStatusService status = new ConnectionStatusService(connections, tokens, refreshLog,
            reauthorisations, tokenService.circuits(), RefreshPolicy.defaults(), clock);

    private ConnectionStatus statusOf(ConnectionKey key) {
        return status.status(new ReadConnectionStatus.Query(key));
    }

    private static UpstreamException.Unavailable outage() {
        return new UpstreamException.Unavailable("the token endpoint answered 503", OptionalInt.of(503),
                Optional.empty(), Optional.empty(), null);
    }

    @Test
    void healthMovesFromHealthyToExpiringToExpiredAsTheClockAdvances() {
        connections.save(aConnection().withKey(KEY).build());
        AccessToken token = tokenService.get(new GetAccessToken.Query(KEY));

        ConnectionStatus fresh = statusOf(KEY);
        assertEquals(Health.HEALTHY, fresh.health());
        assertEquals(Optional.of(token.expiresAt()), fresh.expiresAt());
        assertEquals(Optional.of(LIFETIME), fresh.untilExpiry());
        assertFalse(fresh.needsRefresh());
        assertEquals(CircuitBreaker.State.CLOSED, fresh.circuit());
        assertEquals(RefreshAttempt.Outcome.SUCCESS, fresh.lastRefresh().orElseThrow().outcome());
        assertEquals(0, fresh.consecutiveFailures());
        assertEquals(Optional.empty(), fresh.refreshTokenExpiresAt(), "client credentials: no refresh token");

        clock.set(RefreshPolicy.defaults().refreshAheadAt(token));
        ConnectionStatus expiring = statusOf(KEY);
        assertEquals(Health.EXPIRING, expiring.health());
        assertTrue(expiring.needsRefresh());

        clock.set(RefreshPolicy.defaults().serveUntil(token));
        assertEquals(Health.EXPIRED, statusOf(KEY).health());
        clock.set(token.expiresAt().plusSeconds(5));
        ConnectionStatus expired = statusOf(KEY);
        assertEquals(Health.EXPIRED, expired.health());
        assertTrue(expired.needsRefresh());
    }

    @Test
    void aConnectionNeverAskedForHasNoTokenAndReadsExpired() {
        connections.save(aConnection().withKey(KEY).build());

        ConnectionStatus never = statusOf(KEY);

        assertEquals(Health.EXPIRED, never.health());
        assertEquals(Optional.empty(), never.expiresAt());
        assertEquals(Optional.empty(), never.lastRefresh());
        assertEquals(0, issuer.calls(), "status never calls the upstream");
    }

    @Test
    void consecutiveFailuresMakeItFailingUntilASuccess() {
        connections.save(aConnection().withKey(KEY).build());
        issuer.failNext(2, outage());
        for (int i = 0; i < 2; i++) {
            assertThrows(UpstreamFailedException.class, () -> tokenService.get(new GetAccessToken.Query(KEY)));
        }

        ConnectionStatus failing = statusOf(KEY);
        assertEquals(Health.FAILING, failing.health());
        assertEquals(2, failing.consecutiveFailures());
        assertEquals(RefreshAttempt.Outcome.FAILURE, failing.lastRefresh().orElseThrow().outcome());

        tokenService.get(new GetAccessToken.Query(KEY));
        assertEquals(Health.HEALTHY, statusOf(KEY).health());
        assertEquals(0, statusOf(KEY).consecutiveFailures());
    }

    @Test
    void aRefusedRefreshTokenMeansNeedsReauth() {
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-revoked").build());
        issuer.failNext(new UpstreamException.Rejected("the provider refused the grant", OptionalInt.of(400),
                Optional.of("invalid_grant")));
        assertThrows(UpstreamFailedException.class, () -> tokenService.get(new GetAccessToken.Query(KEY)));

        assertEquals(Health.NEEDS_REAUTH, statusOf(KEY).health());
    }

    @Test
    void anUnknownConnectionIsNotFound() {
        assertThrows(ConnectionNotFoundException.class, () -> statusOf(KEY));
    }

    @Test
    void theListPagesThroughVisibleTenantsAndSummarisesAllOfThemNotOnlyThePage() {
        for (String name : new String[] {"a", "b", "c"}) {
            connections.save(aConnection().withKey(ConnectionKey.of("acme", name)).build());
        }
        connections.save(aConnection().withKey(ConnectionKey.of("other", "x")).build());
        tokenService.get(new GetAccessToken.Query(ConnectionKey.of("acme", "a")));
        Optional<Set<TenantId>> acmeOnly = Optional.of(Set.of(TenantId.of("acme")));

        ListConnectionStatus.Page first = status.list(new ListConnectionStatus.Query(acmeOnly, Optional.empty(), 2));
        ListConnectionStatus.Page second = status.list(new ListConnectionStatus.Query(acmeOnly, first.next(), 2));

        assertEquals(2, first.connections().size());
        assertEquals(Optional.of(ConnectionKey.of("acme", "b")), first.next());
        assertEquals(1, second.connections().size());
        assertEquals(Optional.empty(), second.next());
        assertEquals(3, first.summary().total());
        assertEquals(1L, first.summary().byHealth().get(Health.HEALTHY));
        assertEquals(2L, first.summary().byHealth().get(Health.EXPIRED));
        assertEquals(0L, first.summary().byHealth().get(Health.FAILING));
        assertEquals(4, status.list(new ListConnectionStatus.Query(Optional.empty(), Optional.empty(), 10))
                .summary().total());
    }
}
