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
import io.tokenbroker.application.port.in.BrokerException;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.MinValidityUnsatisfiableException;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.application.testing.ResilienceTestData;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code min_valid_for}: a cached token with less left is refreshed; a wish no fresh token can meet is refused. */
class GetAccessTokenMinValidityTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final Duration LIFETIME = Duration.ofMinutes(10);

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, LIFETIME);
    private final InMemoryConnections connections = new InMemoryConnections();
    private final GetAccessTokenService service = new GetAccessTokenService(
            new GetAccessTokenService.Ports(new InMemoryTokenStore(clock), connections, issuer,
                    new InMemoryLockManager(), new InMemoryRefreshLog(100), new InMemoryReauthorisations(),
                    new InMemoryConnectionEvents(10), TokenRequestOutcomes.ignore()),
            new GetAccessTokenService.Settings(RefreshPolicy.defaults(),
                    new LeaseSettings(Duration.ofSeconds(30), Caller.HANG_GUARD), ResilienceTestData.noRetries()),
            clock, new VirtualPause(clock));

    @BeforeEach
    void connect() {
        connections.save(aConnection().withKey(KEY).build());
    }

    private AccessToken get(long minValidForSeconds) {
        return service.get(new GetAccessToken.Query(KEY, Duration.ofSeconds(minValidForSeconds)));
    }

    @Test
    void aCachedTokenWithLessLeftThanAskedIsReplaced() {
        AccessToken first = get(0);
        clock.set(first.expiresAt().minusSeconds(100));

        assertEquals(first, get(100), "exactly as long as asked is enough");
        AccessToken second = get(300);

        assertNotEquals(first, second);
        assertEquals(2, issuer.calls());
        assertEquals(second, get(0), "the new token is the one cached");
    }

    @Test
    void aWishLongerThanTheConnectionsTokensLiveIsRefusedWithoutARefreshOnceTheirLifetimeIsKnown() {
        get(0);

        BrokerException refused = assertThrows(MinValidityUnsatisfiableException.class, () -> get(601));

        assertEquals(BrokerException.Kind.UNSATISFIABLE, refused.kind());
        assertEquals("min-validity-unsatisfiable", refused.problemType());
        assertEquals(1, issuer.calls());
    }

    @Test
    void withNothingCachedTheFreshTokenDecides() {
        assertThrows(MinValidityUnsatisfiableException.class, () -> get(3600));

        assertEquals(1, issuer.calls(), "decided after one fresh token, not refreshed again");
        get(0);
        assertEquals(1, issuer.calls(), "the fresh token stays cached for callers that want less");
    }
}
