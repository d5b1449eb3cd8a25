package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryReauthorisations;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.BrokerException;
import io.tokenbroker.application.port.in.BrokerUnavailableException;
import io.tokenbroker.application.port.in.FindConnection;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.StoreUnavailableException;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.application.testing.DelegatingConnections;
import io.tokenbroker.application.testing.ResilienceTestData;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A store outage reaches the caller as the in-port family's UNAVAILABLE, not as the adapter's exception. */
class StoreOutagesTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryTokenStore tokens = new InMemoryTokenStore(clock);
    private final InMemoryConnections stored = new InMemoryConnections();
    private final StoreUnavailableException down = new StoreUnavailableException("the vault is down", null);
    private final Connections vaultDown = new DelegatingConnections(stored) {
        @Override
        public Optional<Connection> find(ConnectionKey key) {
            throw down;
        }
    };

    @Test
    void aTokenRequestWhileTheVaultIsDownIsUnavailableWithAWait() {
        GetAccessTokenService service = new GetAccessTokenService(new GetAccessTokenService.Ports(tokens, vaultDown,
                new InMemoryTokenIssuer(clock, Duration.ofHours(1)), new InMemoryLockManager(),
                new InMemoryRefreshLog(10), new InMemoryReauthorisations(), new InMemoryConnectionEvents(10),
                TokenRequestOutcomes.ignore()),
                new GetAccessTokenService.Settings(RefreshPolicy.defaults(), LeaseSettings.defaults(),
                        ResilienceTestData.noRetries()), clock, new VirtualPause(clock));

        BrokerUnavailableException failure = assertThrows(BrokerUnavailableException.class,
                () -> service.get(new GetAccessToken.Query(KEY)));

        assertEquals(BrokerException.Kind.UNAVAILABLE, failure.kind());
        assertEquals("storage-unavailable", failure.problemType());
        assertEquals(Optional.of(Duration.ofSeconds(5)), failure.retryAfter());
        assertSame(down, failure.getCause());
    }

    @Test
    void readingAConnectionWhileTheVaultIsDownIsUnavailable() {
        stored.save(aConnection().withKey(KEY).build());
        ConnectionService service = new ConnectionService(vaultDown, tokens, new InMemoryReauthorisations(),
                new InMemoryConnectionEvents(10), (url, savedBy) -> Optional.empty(), clock);

        BrokerUnavailableException failure = assertThrows(BrokerUnavailableException.class,
                () -> service.find(new FindConnection.Query(KEY)));

        assertSame(down, failure.getCause());
    }

    @Test
    void anyOtherFailureOfAStorePassesUnchanged() {
        IllegalStateException bug = new IllegalStateException("a bug, not an outage");

        assertSame(bug, assertThrows(IllegalStateException.class, () -> StoreOutages.translated(() -> {
            throw bug;
        })));
    }
}
