package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static io.tokenbroker.application.testing.TokenServiceTestData.aTokenService;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.UpstreamFailedException;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stampede's later callers on one instance: while this process's refresh of the connection is in flight, a request
 * that finds nothing in memory waits for that refresh's completion, with no worker thread and no read of the store
 * (which, over Redis, would queue in front of the refresh's own round trips). The store here is one only reachable
 * over the network: nothing of it is in memory, and every read is counted.
 */
class FlightJoinedWithoutBlockingTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final int JOINERS = 20;

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final CountingTokenStore tokens = new CountingTokenStore(new InMemoryTokenStore(clock));
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, Duration.ofHours(1));
    private final HeldReleaseLocks locks = new HeldReleaseLocks();
    private final List<TokenRequestOutcomes.Outcome> outcomes = new CopyOnWriteArrayList<>();
    private final GetAccessTokenService service = aTokenService(clock).tokens(tokens).connections(connections)
            .issuer(issuer).locks(locks).outcomes(outcomes::add).build();

    @BeforeEach
    void aConnectionExists() {
        connections.save(aConnection().withKey(KEY).build());
    }

    @Test
    void callersDuringARefreshJoinItWithoutAThreadOrAStoreReadAndAreServedItsToken() throws Exception {
        InMemoryTokenIssuer.Gate gate = issuer.hold();
        CompletableFuture<AccessToken> leader = CompletableFuture.supplyAsync(
                () -> service.get(new GetAccessToken.Query(KEY)));
        gate.awaitEntered();
        int readsBefore = tokens.reads.get();
        outcomes.clear();

        List<CompletableFuture<Optional<AccessToken>>> joined = joiners();

        joined.forEach(call -> assertFalse(call.isDone(), "waits for the refresh"));
        assertEquals(readsBefore, tokens.reads.get(), "no store read while a refresh is in flight");
        gate.release();
        locks.release.countDown();
        AccessToken token = leader.get(30, TimeUnit.SECONDS);
        for (CompletableFuture<Optional<AccessToken>> call : joined) {
            assertEquals(Optional.of(token), call.get(30, TimeUnit.SECONDS));
        }
        assertEquals(1, issuer.calls());
        assertEquals(JOINERS + 1, outcomes.stream().filter(TokenRequestOutcomes.Outcome.MISS::equals).count(),
                "each joined caller is a miss served, as the leader is");
    }

    @Test
    void theFlightsCallersHaveTheTokenOnceItIsStoredBeforeTheLeaseIsReleased() throws Exception {
        InMemoryTokenIssuer.Gate gate = issuer.hold();
        CompletableFuture<AccessToken> leader = CompletableFuture.supplyAsync(
                () -> service.get(new GetAccessToken.Query(KEY)));
        gate.awaitEntered();
        List<CompletableFuture<Optional<AccessToken>>> joined = joiners();
        CompletableFuture<AccessToken> onAThread = CompletableFuture.supplyAsync(
                () -> service.get(new GetAccessToken.Query(KEY)));
        awaitJoinedOnAThread();

        gate.release();

        locks.closing.await(30, TimeUnit.SECONDS);
        String stored = tokens.find(KEY).orElseThrow().value();
        for (CompletableFuture<Optional<AccessToken>> call : joined) {
            assertEquals(stored, call.get(30, TimeUnit.SECONDS).orElseThrow().value());
        }
        assertEquals(stored, onAThread.get(30, TimeUnit.SECONDS).value());
        assertFalse(leader.isDone(), "the leader still releases its lease");
        locks.release.countDown();
        assertEquals(stored, leader.get(30, TimeUnit.SECONDS).value());
    }

    @Test
    void aFailedRefreshIsEachJoinedCallersFailureAsItIsTheLeaders() throws Exception {
        issuer.failNext(new UpstreamException.Rejected("refused", OptionalInt.of(400), Optional.of("invalid_client")));
        InMemoryTokenIssuer.Gate gate = issuer.hold();
        CompletableFuture<AccessToken> leader = CompletableFuture.supplyAsync(
                () -> service.get(new GetAccessToken.Query(KEY)));
        gate.awaitEntered();

        List<CompletableFuture<Optional<AccessToken>>> joined = joiners();
        gate.release();
        locks.release.countDown();

        ExecutionException leaderFailed = assertThrows(ExecutionException.class,
                () -> leader.get(30, TimeUnit.SECONDS));
        for (CompletableFuture<Optional<AccessToken>> call : joined) {
            ExecutionException failed = assertThrows(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
            assertInstanceOf(UpstreamFailedException.Rejected.class, failed.getCause());
            assertEquals(leaderFailed.getCause().getClass(), failed.getCause().getClass());
        }
        assertEquals(1, issuer.calls(), "joined callers do not call again");
    }

    @Test
    void joinedCallersContinueOnTheirOwnExecutorsNotOnTheThreadThatLandedTheRefresh() throws Exception {
        InMemoryTokenIssuer.Gate gate = issuer.hold();
        CompletableFuture<AccessToken> leader = CompletableFuture.supplyAsync(
                () -> service.get(new GetAccessToken.Query(KEY)));
        gate.awaitEntered();
        ExecutorService loops = Executors.newFixedThreadPool(2, task -> new Thread(task, "caller-loop"));
        try {
            List<CompletableFuture<String>> answeredOn = IntStream.range(0, JOINERS)
                    .mapToObj(i -> service.serveWithoutBlocking(new GetAccessToken.Query(KEY), Runnable::run, loops)
                            .thenApply(served -> Thread.currentThread().getName()).toCompletableFuture())
                    .toList();
            answeredOn.forEach(call -> assertFalse(call.isDone(), "waits for the refresh"));

            gate.release();
            locks.release.countDown();
            leader.get(30, TimeUnit.SECONDS);
            for (CompletableFuture<String> call : answeredOn) {
                assertEquals("caller-loop", call.get(30, TimeUnit.SECONDS),
                        "answered on the caller's executor, in parallel, not one after another on the leader's");
            }
            assertEquals(1, issuer.calls());
        } finally {
            loops.shutdownNow();
        }
    }

    private List<CompletableFuture<Optional<AccessToken>>> joiners() {
        return IntStream.range(0, JOINERS)
                .mapToObj(i -> service.getWithoutBlocking(new GetAccessToken.Query(KEY)).toCompletableFuture())
                .toList();
    }

    /** Until a second caller waits for the flight on its own thread. */
    private static void awaitJoinedOnAThread() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Thread.getAllStackTraces().values().stream().noneMatch(stack -> Arrays.stream(stack).anyMatch(frame ->
                frame.getClassName().equals(SingleFlight.class.getName()) && frame.getMethodName().equals("await")))) {
            assertTrue(System.nanoTime() < deadline, "no caller waits for the flight on its thread");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
