package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryReauthorisations;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.ReauthorisationNeededException;
import io.tokenbroker.application.port.in.RefreshConnection;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.testing.ResilienceTestData;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A forced refresh shares the request path (lease, audit, cache) but never settles for the cached token. */
class RefreshConnectionTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryTokenStore tokens = new InMemoryTokenStore(clock);
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, Duration.ofHours(1));
    private final InMemoryLockManager locks = new InMemoryLockManager();
    private final InMemoryRefreshLog refreshLog = new InMemoryRefreshLog(100);
    private final InMemoryReauthorisations reauthorisations = new InMemoryReauthorisations();
    private final GetAccessTokenService service = new GetAccessTokenService(new GetAccessTokenService.Ports(tokens,
            connections, issuer, locks, refreshLog, reauthorisations, new InMemoryConnectionEvents(10),
            TokenRequestOutcomes.ignore()), new GetAccessTokenService.Settings(RefreshPolicy.defaults(),
            new LeaseSettings(Duration.ofSeconds(30), Caller.HANG_GUARD), ResilienceTestData.noRetries()), clock,
            new VirtualPause(clock));

    @Test
    void aManualRefreshReplacesAGoodCachedTokenAndIsLoggedAsManual() {
        connections.save(aConnection().withKey(KEY).build());
        AccessToken cached = service.get(new GetAccessToken.Query(KEY));

        AccessToken renewed = service.refresh(RefreshConnection.Command.manual(KEY));

        assertNotEquals(cached, renewed);
        assertEquals(2, issuer.calls());
        assertEquals(Optional.of(renewed), tokens.find(KEY), "the renewed token is what callers get next");
        assertEquals(renewed, service.get(new GetAccessToken.Query(KEY)));
        assertEquals(List.of(Trigger.MANUAL, Trigger.REQUEST),
                refreshLog.recent(KEY, 10).stream().map(RefreshAttempt::trigger).toList());
    }

    @Test
    void aProactiveRefreshIsLoggedAsProactive() {
        connections.save(aConnection().withKey(KEY).build());

        service.refresh(new RefreshConnection.Command(KEY, RefreshConnection.Reason.PROACTIVE));

        assertEquals(Trigger.PROACTIVE, refreshLog.recent(KEY, 1).get(0).trigger());
    }

    @Test
    void anUnknownConnectionIsNotFound() {
        assertThrows(ConnectionNotFoundException.class, () -> service.refresh(RefreshConnection.Command.manual(KEY)));
        assertEquals(0, issuer.calls());
    }

    @Test
    void aConnectionAwaitingReauthorisationIsNotRefreshed() {
        connections.save(aConnection().withKey(KEY).build());
        reauthorisations.mark(new Reauthorisations.Needed(KEY, clock.instant(), "invalid_grant"));

        assertThrows(ReauthorisationNeededException.class,
                () -> service.refresh(RefreshConnection.Command.manual(KEY)));
        assertEquals(0, issuer.calls());
    }
}
