package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static io.tokenbroker.application.testing.TokenServiceTestData.aTokenService;
import static io.tokenbroker.application.testing.TokenTestData.aToken;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.RefreshConnection;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the token service answers when its wait for the lease is told that another instance's holder stored a
 * token: a request the token serves takes it, with no lease and no upstream call; anything else still takes the
 * lease (a {@code min_valid_for} the token cannot meet, a manual refresh).
 */
class LeaseWaitEndedElsewhereTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final LeaseSettings LEASE = new LeaseSettings(Duration.ofSeconds(30), Duration.ofSeconds(5));

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryTokenStore tokens = new InMemoryTokenStore(clock);
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, Duration.ofHours(1));
    private final InMemoryRefreshLog refreshLog = new InMemoryRefreshLog(100);
    private final AnnouncingLocks locks = new AnnouncingLocks();
    private final GetAccessTokenService service = aTokenService(clock).tokens(tokens).connections(connections)
            .issuer(issuer).locks(locks).refreshLog(refreshLog).lease(LEASE).build();

    @BeforeEach
    void aConnectionExists() {
        connections.save(aConnection().withKey(KEY).build());
    }

    @Test
    void aRequestTakesTheTokenAnnouncedWhileItWaitedWithoutLeaseOrUpstreamCall() {
        locks.announce(aToken("tok-elsewhere", clock, Duration.ofHours(1)));

        AccessToken served = service.get(new GetAccessToken.Query(KEY));

        assertEquals("tok-elsewhere", served.value());
        assertEquals(1, locks.asked.get());
        assertEquals(0, locks.granted.get());
        assertEquals(0, issuer.calls());
        assertEquals(0, refreshLog.recent(KEY, 10).size(), "no refresh was attempted");
    }

    @Test
    void aRequestTheAnnouncedTokenCannotServeTakesTheLeaseAndRefreshes() {
        locks.announce(aToken("tok-short", clock, Duration.ofMinutes(10)));

        AccessToken served = service.get(new GetAccessToken.Query(KEY, Duration.ofMinutes(30)));

        assertEquals("tok-1", served.value());
        assertEquals(1, locks.asked.get());
        assertEquals(1, locks.granted.get());
        assertEquals(1, issuer.calls());
    }

    @Test
    void aManualRefreshNeverSettlesForTheAnnouncedToken() {
        locks.announce(aToken("tok-elsewhere", clock, Duration.ofHours(1)));

        AccessToken refreshed = service.refresh(new RefreshConnection.Command(KEY, RefreshConnection.Reason.MANUAL));

        assertEquals("tok-1", refreshed.value());
        assertEquals(1, locks.granted.get());
        assertEquals(1, issuer.calls());
    }

    /**
     * Leases from process memory; while a caller waits, "another instance" stores {@link #announce}d token with a
     * fence ahead of ours and announces it, as the Redis lock manager's message would.
     */
    private final class AnnouncingLocks implements LockManager {

        private final LockManager delegate = new InMemoryLockManager();
        private final AtomicInteger asked = new AtomicInteger();
        private final AtomicInteger granted = new AtomicInteger();
        private AccessToken announced;

        void announce(AccessToken token) {
            announced = token;
        }

        @Override
        public Optional<Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait) {
            Optional<Lease> lease = delegate.acquire(key, ttl, maxWait);
            lease.ifPresent(held -> granted.incrementAndGet());
            return lease;
        }

        @Override
        public Optional<Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait,
                                       BooleanSupplier doneElsewhere) {
            tokens.put(key, announced, Duration.ofMinutes(5), 0);
            asked.incrementAndGet();
            return doneElsewhere.getAsBoolean() ? Optional.empty() : acquire(key, ttl, maxWait);
        }
    }
}
