package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static io.tokenbroker.application.testing.TokenServiceTestData.aTokenService;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.GetAccessToken.Served;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.application.port.out.TokenRequestOutcomes.Outcome;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.audit.ChainHead;
import io.tokenbroker.domain.audit.ChainLink;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshPage;
import io.tokenbroker.domain.audit.RefreshTotals;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.StaleIfError;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A miss served without blocking: its caller is answered as soon as the refresh has stored the token (the rotated
 * refresh token saved before it), while the refresh's audit row and lease release are still to come on the worker;
 * and it reads the store once before its lease, the read that found the miss. The store here is one only reachable
 * over the network (nothing of it in memory), with every read counted.
 */
class MissAnsweredWhenStoredTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final GetAccessToken.Query QUERY = new GetAccessToken.Query(KEY);

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final CountingTokenStore tokens = new CountingTokenStore(new InMemoryTokenStore(clock));
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, Duration.ofMinutes(5))
            .rotateRefreshTokens();
    private final HeldLog log = new HeldLog();
    private final AtomicInteger readsAtAcquire = new AtomicInteger(-1);
    private final HeldReleaseLocks locks = new HeldReleaseLocks(() -> readsAtAcquire.set(tokens.reads.get()));
    private final InMemoryConnectionEvents events = new InMemoryConnectionEvents(10);
    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    private final GetAccessTokenService service = aTokenService(clock).tokens(tokens).connections(connections)
            .issuer(issuer).locks(locks).refreshLog(log).events(events).outcomes(outcomes::add)
            .staleIfError(new StaleIfError(Duration.ofSeconds(10))).build();
    private final ExecutorService worker = Executors.newSingleThreadExecutor();

    @BeforeEach
    void aConnectionWithARefreshTokenExists() {
        locks.holding = false;
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-0").build());
    }

    @AfterEach
    void stopTheWorker() {
        log.release.countDown();
        locks.release.countDown();
        worker.shutdownNow();
    }

    @Test
    void theLeaderIsAnsweredOnceItsTokenIsStoredWhileItsAuditRowAndLeaseReleaseWait() throws Exception {
        log.holding = true;
        locks.holding = true;
        InMemoryTokenIssuer.Gate gate = issuer.hold();
        CompletableFuture<Served> answer = service.serveWithoutBlocking(QUERY, worker).toCompletableFuture();
        // Read at the moment of the answer, on the thread that gives it.
        CompletableFuture<Optional<Secret>> refreshTokenWhenAnswered = answer.thenApply(
                served -> connections.find(KEY).orElseThrow().refreshToken());
        gate.awaitEntered();
        gate.release();

        Served served = answer.get(30, TimeUnit.SECONDS);

        assertTrue(log.recording.await(30, TimeUnit.SECONDS), "the refresh goes on to its audit row");
        assertEquals(List.of(), log.delegate.recent(KEY, 10), "the row is still held back");
        assertEquals(1, locks.closing.getCount(), "the lease is not released yet");
        assertFalse(served.stale());
        assertEquals(tokens.find(KEY), Optional.of(served.token()), "the token answered is the one stored");
        assertEquals(Optional.of(Secret.of("rt-1")), refreshTokenWhenAnswered.get(30, TimeUnit.SECONDS),
                "the rotated refresh token was saved before the answer");
        assertEquals(List.of(Outcome.MISS), outcomes);

        log.release.countDown();
        assertTrue(locks.closing.await(30, TimeUnit.SECONDS), "the lease is released after the answer");
        locks.release.countDown();
        awaitTheWorker();
        assertEquals(RefreshAttempt.Outcome.SUCCESS, log.delegate.recent(KEY, 10).get(0).outcome());
        assertTrue(events.recent(10).stream().anyMatch(event -> event.type() == ConnectionEvent.Type.TOKEN_REFRESHED));
        assertEquals(List.of(Outcome.MISS), outcomes, "the miss is counted once");
    }

    @Test
    void aMissReadsTheStoreOnceBeforeTakingTheLease() throws Exception {
        Served served = service.serveWithoutBlocking(QUERY, worker).toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertEquals(1, readsAtAcquire.get(), "the read that found the miss, not a second one on the worker");
        assertEquals(Optional.of(served.token()), tokens.find(KEY));
        assertEquals(1, issuer.calls());
    }

    @Test
    void aRefreshWithAnOutageServesTheStaleTokenItsFirstReadFound() throws Exception {
        AccessToken cached = service.get(QUERY);
        clock.advance(Duration.ofSeconds(250));
        issuer.failNext(new UpstreamException.Unavailable("answered 503", OptionalInt.of(503),
                Optional.of("http_503"), Optional.empty(), null));
        outcomes.clear();
        int readsBefore = tokens.reads.get();

        Served served = service.serveWithoutBlocking(QUERY, worker).toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertTrue(served.stale());
        assertEquals(cached, served.token());
        assertEquals(readsBefore + 1, readsAtAcquire.get(), "one read before the lease");
        assertEquals(List.of(Outcome.STALE_IF_ERROR), outcomes);
    }

    @Test
    void aFailureAfterTheAnswerIsNotTheCallers() throws Exception {
        locks.failOnRelease = true;

        Served served = service.serveWithoutBlocking(QUERY, worker).toCompletableFuture().get(30, TimeUnit.SECONDS);

        awaitTheWorker();
        assertEquals(Optional.of(served.token()), tokens.find(KEY));
        assertEquals(List.of(Outcome.MISS), outcomes, "no error counted for a caller who has the token");
    }

    @Test
    void theBlockingServeStillCountsOneMissAndReturnsTheStoredToken() {
        Served served = service.serve(QUERY);

        assertEquals(Optional.of(served.token()), tokens.find(KEY));
        assertEquals(List.of(Outcome.MISS), outcomes);
        assertEquals(RefreshAttempt.Outcome.SUCCESS, log.delegate.recent(KEY, 10).get(0).outcome());
    }

    private void awaitTheWorker() throws InterruptedException {
        worker.shutdown();
        assertTrue(worker.awaitTermination(30, TimeUnit.SECONDS), "the refresh finished on the worker");
    }

    /** The in-memory refresh log, whose {@code record} can wait until the test lets it go on. */
    private static final class HeldLog implements RefreshLog {

        private final InMemoryRefreshLog delegate = new InMemoryRefreshLog(100);
        private final CountDownLatch recording = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private volatile boolean holding;

        @Override
        public void record(RefreshAttempt attempt) {
            recording.countDown();
            HeldReleaseLocks.awaitIf(holding, release);
            delegate.record(attempt);
        }

        @Override
        public List<RefreshAttempt> recent(ConnectionKey key, int limit) {
            return delegate.recent(key, limit);
        }

        @Override
        public RefreshPage history(ConnectionKey key, Optional<RefreshPage.Cursor> after, int limit) {
            return delegate.history(key, after, limit);
        }

        @Override
        public RefreshTotals totals(ConnectionKey key) {
            return delegate.totals(key);
        }

        @Override
        public List<ChainLink> chain(ConnectionKey key, long afterSeq, int limit) {
            return delegate.chain(key, afterSeq, limit);
        }

        @Override
        public ChainHead head(ConnectionKey key) {
            return delegate.head(key);
        }

        @Override
        public List<ChainHead> heads() {
            return delegate.heads();
        }

        @Override
        public OptionalLong removeBefore(Instant cutoff) {
            return delegate.removeBefore(cutoff);
        }
    }
}
