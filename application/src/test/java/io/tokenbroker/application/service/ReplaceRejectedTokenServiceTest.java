package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryReauthorisations;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.ReplaceRejectedToken;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.application.testing.ResilienceTestData;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplaceRejectedTokenServiceTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryTokenStore tokens = new InMemoryTokenStore(clock);
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, Duration.ofHours(1));
    private final GetAccessTokenService getService = new GetAccessTokenService(new GetAccessTokenService.Ports(tokens,
            connections, issuer, new InMemoryLockManager(), new InMemoryRefreshLog(100), new InMemoryReauthorisations(),
            new InMemoryConnectionEvents(10), TokenRequestOutcomes.ignore()),
            new GetAccessTokenService.Settings(RefreshPolicy.defaults(), LeaseSettings.defaults(),
                    ResilienceTestData.noRetries()), clock, new VirtualPause(clock));
    private final ReplaceRejectedTokenService service = new ReplaceRejectedTokenService(
            new InvalidateTokenService(tokens, connections), getService, clock, INTERVAL);

    @BeforeEach
    void registerConnection() {
        connections.save(aConnection().withKey(KEY).build());
    }

    private AccessToken get() {
        return getService.get(new GetAccessToken.Query(KEY));
    }

    private Optional<AccessToken> replace(AccessToken rejected) {
        return service.replace(new ReplaceRejectedToken.Command(KEY, rejected, Duration.ZERO));
    }

    @Test
    void theRejectedTokenIsReplacedByAFreshOne() {
        AccessToken rejected = get();

        Optional<AccessToken> fresh = replace(rejected);

        assertTrue(fresh.isPresent());
        assertNotEquals(rejected, fresh.get());
        assertEquals(fresh.get(), get(), "the fresh token is the cached one");
        assertEquals(2, issuer.calls());
    }

    @Test
    void reportsAboutTheTokenAlreadyForcedOutShareTheOneRefresh() {
        AccessToken rejected = get();

        Optional<AccessToken> first = replace(rejected);
        Optional<AccessToken> second = replace(rejected);

        assertEquals(first, second);
        assertEquals(2, issuer.calls());
    }

    @Test
    void aNewTokenRejectedWithinTheIntervalIsNotReplacedUntilTheIntervalHasPassed() {
        AccessToken fresh = replace(get()).orElseThrow();

        assertEquals(Optional.empty(), replace(fresh), "an API that refuses every token drives no second refresh");
        clock.advance(INTERVAL.minusMillis(1));
        assertEquals(Optional.empty(), replace(fresh));
        assertEquals(2, issuer.calls());

        clock.advance(Duration.ofMillis(1));
        assertTrue(replace(fresh).isPresent());
        assertEquals(3, issuer.calls());
    }
}
