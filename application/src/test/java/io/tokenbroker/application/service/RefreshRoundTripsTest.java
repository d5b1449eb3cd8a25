package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static io.tokenbroker.application.testing.TokenTestData.aToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenbroker.application.inmemory.InMemoryCircuitLedger;
import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryReauthorisations;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.TokenUnavailableException;
import io.tokenbroker.application.port.out.CircuitLedger;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.application.testing.ForwardingLease;
import io.tokenbroker.application.testing.ForwardingTokenStore;
import io.tokenbroker.application.testing.ResilienceTestData;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.Circuit;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What one refresh reads from a shared store and a shared circuit ledger, counted: each read is a round trip on the
 * lease holder's path when they are Redis. A closed circuit is read once per refresh, under the lease; an open one
 * another instance opened is refused there, and before the lease from then on. A lease granted over an empty store
 * is followed by no read of the store, unless this process keeps a token in memory.
 */
class RefreshRoundTripsTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final LeaseSettings LEASE = new LeaseSettings(Duration.ofSeconds(30), Duration.ofSeconds(5));

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, Duration.ofHours(1));
    private final InMemoryTokenStore stored = new InMemoryTokenStore(clock);
    private final CountingLedger circuits = new CountingLedger();
    private final Leases locks = new Leases();
    /** Reads of the store while the lease is held: those are the holder's, after its acquire. */
    private final AtomicInteger readsUnderLease = new AtomicInteger();
    /** A store with nothing in process memory, like Redis behind an empty near cache. */
    private final TokenStore shared = new ForwardingTokenStore(stored) {
        @Override
        public Optional<AccessToken> find(ConnectionKey key) {
            if (locks.held.get()) {
                readsUnderLease.incrementAndGet();
            }
            return super.find(key);
        }
    };

    @BeforeEach
    void aConnectionExists() {
        connections.save(aConnection().withKey(KEY).build());
    }

    private GetAccessTokenService service(TokenStore tokens) {
        return new GetAccessTokenService(new GetAccessTokenService.Ports(tokens, connections, issuer, locks,
                new InMemoryRefreshLog(100), new InMemoryReauthorisations(), new InMemoryConnectionEvents(10),
                TokenRequestOutcomes.ignore(), circuits),
                new GetAccessTokenService.Settings(RefreshPolicy.defaults(), LEASE, ResilienceTestData.noRetries()),
                clock, new VirtualPause(clock));
    }

    @Test
    void aRefreshOnAClosedCircuitReadsTheLedgerOnce() {
        service(shared).get(new GetAccessToken.Query(KEY));

        assertEquals(1, issuer.calls());
        assertEquals(1, circuits.reads.get(), "one read, under the lease: none before it, none after the grant");
    }

    @Test
    void aCircuitAnotherInstanceOpenedRefusesUnderTheLeaseAndThenBeforeIt() {
        GetAccessTokenService service = service(shared);
        Instant now = clock.instant();
        circuits.replace(KEY, Circuit.CLOSED, new Circuit(5, Optional.of(new Circuit.Open(now,
                now.plusSeconds(30), Duration.ofSeconds(30), Optional.empty()))));

        assertThrows(TokenUnavailableException.class, () -> service.get(new GetAccessToken.Query(KEY)));
        assertEquals(1, locks.granted.get(), "refused under the lease");
        assertThrows(TokenUnavailableException.class, () -> service.get(new GetAccessToken.Query(KEY)));
        assertEquals(1, locks.granted.get(), "refused before the lease, once this process saw the circuit open");
        assertEquals(0, issuer.calls());
    }

    @Test
    void aLeaseGrantedOverAnEmptyStoreIsFollowedByNoReadOfIt() {
        locks.overEmptyStore = true;

        service(shared).get(new GetAccessToken.Query(KEY));

        assertEquals(0, readsUnderLease.get());
        assertEquals(1, issuer.calls());
    }

    @Test
    void aLeaseThatCannotTellIsFollowedByOneRead() {
        service(shared).get(new GetAccessToken.Query(KEY));

        assertEquals(1, readsUnderLease.get());
    }

    @Test
    void aTokenThisProcessKeepsInMemoryIsStillTakenUnderALeaseOverAnEmptyStore() {
        locks.overEmptyStore = true;
        // Stored here while the shared store could not be reached: only this process knows of it.
        locks.beforeGrant = () -> stored.put(KEY, aToken("kept-here", clock, Duration.ofHours(1)),
                Duration.ofMinutes(30), 0);
        TokenStore nearCached = new ForwardingTokenStore(stored) {
            @Override
            public Optional<Found> lookupInMemory(ConnectionKey key) {
                return stored.lookupInMemory(key);
            }
        };

        AccessToken served = service(nearCached).get(new GetAccessToken.Query(KEY));

        assertEquals("kept-here", served.value());
        assertEquals(0, issuer.calls());
    }

    /** In-process leases that say whether they were granted over an empty store, as the Redis ones do. */
    private static final class Leases implements LockManager {

        private final LockManager delegate = new InMemoryLockManager();
        private final AtomicInteger granted = new AtomicInteger();
        private final AtomicBoolean held = new AtomicBoolean();
        private volatile boolean overEmptyStore;
        private volatile Runnable beforeGrant = () -> { };

        @Override
        public Optional<Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait) {
            beforeGrant.run();
            return delegate.acquire(key, ttl, maxWait).map(lease -> {
                granted.incrementAndGet();
                held.set(true);
                return new ForwardingLease(lease) {
                    @Override
                    public boolean noTokenStoredAtGrant() {
                        return overEmptyStore;
                    }

                    @Override
                    public void close() {
                        held.set(false);
                        super.close();
                    }
                };
            });
        }
    }

    /** This process's circuits, with every read counted: a shared ledger's reads are round trips. */
    private static final class CountingLedger implements CircuitLedger {

        private final CircuitLedger delegate = new InMemoryCircuitLedger();
        private final AtomicInteger reads = new AtomicInteger();

        @Override
        public Circuit find(ConnectionKey key) {
            reads.incrementAndGet();
            return delegate.find(key);
        }

        @Override
        public boolean replace(ConnectionKey key, Circuit expected, Circuit next) {
            return delegate.replace(key, expected, next);
        }

        @Override
        public Map<ConnectionKey, Circuit> notClosed() {
            return delegate.notClosed();
        }
    }
}
