package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.tokenbroker.application.port.in.InvalidateToken;
import io.tokenbroker.application.testing.ResilienceTestData;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InvalidateTokenServiceTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryTokenStore tokens = new InMemoryTokenStore(clock);
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, Duration.ofHours(1));
    private final GetAccessTokenService getService = new GetAccessTokenService(new GetAccessTokenService.Ports(tokens,
            connections, issuer, new InMemoryLockManager(), new InMemoryRefreshLog(100), new InMemoryReauthorisations(),
            new InMemoryConnectionEvents(10), TokenRequestOutcomes.ignore()),
            new GetAccessTokenService.Settings(RefreshPolicy.defaults(), LeaseSettings.defaults(),
                    ResilienceTestData.noRetries()), clock, new VirtualPause(clock));
    private final InvalidateTokenService service = new InvalidateTokenService(tokens, connections);

    @BeforeEach
    void registerConnection() {
        connections.save(aConnection().withKey(KEY).build());
    }

    private AccessToken get() {
        return getService.get(new GetAccessToken.Query(KEY));
    }

    private void invalidate(Optional<String> rejectedToken) {
        service.invalidate(new InvalidateToken.Command(KEY, rejectedToken));
    }

    @Test
    void theRejectedCurrentTokenIsDroppedAndTheNextGetFetchesANewOne() {
        AccessToken current = get();

        invalidate(Optional.of(current.value()));

        assertEquals(Optional.empty(), tokens.find(KEY));
        assertEquals("tok-2", get().value());
        assertEquals(2, issuer.calls());
    }

    @Test
    void aLateReportAboutAStaleTokenLeavesTheFreshOneCached() {
        AccessToken stale = get();
        invalidate(Optional.of(stale.value()));
        AccessToken fresh = get();

        invalidate(Optional.of(stale.value()));

        assertEquals(Optional.of(fresh), tokens.find(KEY));
        assertEquals(fresh, get());
        assertEquals(2, issuer.calls(), "the fresh token was served from the cache");
    }

    @Test
    void withoutATokenWhateverIsCachedIsDropped() {
        get();

        invalidate(Optional.empty());

        assertEquals(Optional.empty(), tokens.find(KEY));
        assertEquals("tok-2", get().value());
    }

    @Test
    void aBlankTokenCountsAsNoToken() {
        get();
        InvalidateToken.Command blank = new InvalidateToken.Command(KEY, Optional.of("   "));

        service.invalidate(blank);

        assertEquals(Optional.empty(), blank.rejectedToken());
        assertEquals(Optional.empty(), tokens.find(KEY), "dropped unconditionally");
    }

    @Test
    void invalidatingWhenNothingIsCachedIsHarmless() {
        invalidate(Optional.of("tok-never-issued"));
        invalidate(Optional.empty());

        assertEquals(Optional.empty(), tokens.find(KEY));
    }

    @Test
    void anUnknownConnectionIsNotFound() {
        ConnectionKey unknown = ConnectionKey.of("acme", "nowhere");

        ConnectionNotFoundException notFound = assertThrows(ConnectionNotFoundException.class,
                () -> service.invalidate(new InvalidateToken.Command(unknown, Optional.empty())));

        assertEquals(unknown, notFound.key());
    }

    @Test
    void theCommandDoesNotShowTheToken() {
        InvalidateToken.Command command = new InvalidateToken.Command(KEY, Optional.of("tok-very-secret"));

        assertEquals(false, command.toString().contains("tok-very-secret"));
    }
}
