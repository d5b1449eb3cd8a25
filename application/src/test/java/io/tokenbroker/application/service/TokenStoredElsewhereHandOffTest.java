package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static io.tokenbroker.application.testing.TokenServiceTestData.aTokenService;
import static io.tokenbroker.application.testing.TokenTestData.aToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request waiting for another instance's lease when that instance announces its token: the check reads without
 * blocking on the thread that heard the announcement, and the callers that joined this instance's flight are handed
 * the token from there, before the waiting thread has even returned from its wait.
 */
class TokenStoredElsewhereHandOffTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final long GUARD_SECONDS = 30;

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryTokenStore tokens = new InMemoryTokenStore(clock);
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, Duration.ofHours(1));
    private final AnnouncingLocks locks = new AnnouncingLocks();
    private final GetAccessTokenService service = aTokenService(clock).tokens(tokens).connections(connections)
            .issuer(issuer).locks(locks).build();

    @BeforeEach
    void aConnectionExists() {
        connections.save(aConnection().withKey(KEY).build());
    }

    @AfterEach
    void stopEventThread() {
        locks.eventThread.shutdownNow();
    }

    @Test
    void theFlightsCallersHaveTheAnnouncedTokenBeforeTheWaitingThreadReturns() throws Exception {
        CompletableFuture<AccessToken> leader = CompletableFuture.supplyAsync(
                () -> service.get(new GetAccessToken.Query(KEY)));
        assertTrue(locks.leaderWaits.await(GUARD_SECONDS, TimeUnit.SECONDS), "the leader never waited");
        CompletableFuture<Optional<AccessToken>> joined =
                service.getWithoutBlocking(new GetAccessToken.Query(KEY)).toCompletableFuture();
        AccessToken announced = aToken("tok-elsewhere", clock, Duration.ofHours(1));

        locks.announce(announced, joined);

        assertEquals(Optional.of(announced), joined.get(GUARD_SECONDS, TimeUnit.SECONDS));
        assertEquals(announced, leader.get(GUARD_SECONDS, TimeUnit.SECONDS));
        assertTrue(locks.handedOffWhileWaiting, "the joined caller had the token before the wait returned");
        assertEquals(0, locks.granted);
        assertEquals(0, issuer.calls());
    }

    /**
     * In-process leases; the leader's wait is told, on an "event thread" of its own, of a token another instance
     * stored, and returns only once the test's joined caller is done or the guard ran out.
     */
    private final class AnnouncingLocks implements LockManager {

        private final LockManager delegate = new InMemoryLockManager();
        private final ExecutorService eventThread = Executors.newSingleThreadExecutor();
        private final CountDownLatch leaderWaits = new CountDownLatch(1);
        private final CompletableFuture<CompletableFuture<?>> announced = new CompletableFuture<>();
        private volatile boolean handedOffWhileWaiting;
        private volatile int granted;

        void announce(AccessToken token, CompletableFuture<?> joined) {
            tokens.put(KEY, token, Duration.ofMinutes(5), 0);
            announced.complete(joined);
        }

        @Override
        public Optional<Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait) {
            Optional<Lease> lease = delegate.acquire(key, ttl, maxWait);
            granted += lease.isPresent() ? 1 : 0;
            return lease;
        }

        @Override
        public Optional<Lease> acquireUnlessDone(ConnectionKey key, Duration ttl, Duration maxWait,
                                                 Supplier<CompletionStage<Boolean>> doneElsewhere) {
            leaderWaits.countDown();
            try {
                CompletableFuture<?> joined = announced.get(GUARD_SECONDS, TimeUnit.SECONDS);
                CompletableFuture<Boolean> done = CompletableFuture.supplyAsync(doneElsewhere, eventThread)
                        .thenCompose(Function.identity());
                boolean answer = done.get(GUARD_SECONDS, TimeUnit.SECONDS);
                joined.get(GUARD_SECONDS, TimeUnit.SECONDS);
                handedOffWhileWaiting = true;
                return answer ? Optional.empty() : acquire(key, ttl, maxWait);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (ExecutionException | TimeoutException notHandedOff) {
                return acquire(key, ttl, maxWait);
            }
        }
    }
}
