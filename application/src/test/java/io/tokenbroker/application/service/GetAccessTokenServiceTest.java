package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static io.tokenbroker.application.testing.TokenTestData.aToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryReauthorisations;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.TokenUnavailableException;
import io.tokenbroker.application.port.in.UpstreamFailedException;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.application.testing.ForwardingTokenStore;
import io.tokenbroker.application.testing.ResilienceTestData;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class GetAccessTokenServiceTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final Duration LIFETIME = Duration.ofHours(1);
    private static final Duration HARD_BUFFER = RefreshPolicy.DEFAULT_HARD_BUFFER;
    private static final LeaseSettings PATIENT = new LeaseSettings(Duration.ofSeconds(30), Caller.HANG_GUARD);
    private static final LeaseSettings IMPATIENT = new LeaseSettings(Duration.ofSeconds(30), Duration.ZERO);

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryTokenStore tokens = new InMemoryTokenStore(clock);
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, LIFETIME);
    private final InMemoryLockManager locks = new InMemoryLockManager();
    private final RecordingLocks recordingLocks = new RecordingLocks(locks);
    private final InMemoryRefreshLog refreshLog = new InMemoryRefreshLog(100);
    private final GetAccessTokenService service = service(tokens, PATIENT);

    private GetAccessTokenService service(TokenStore store, LeaseSettings lease) {
        return new GetAccessTokenService(new GetAccessTokenService.Ports(store, connections, issuer, recordingLocks,
                refreshLog, new InMemoryReauthorisations(), new InMemoryConnectionEvents(10), TokenRequestOutcomes.ignore()),
                new GetAccessTokenService.Settings(RefreshPolicy.defaults(), lease, ResilienceTestData.noRetries()),
                clock, new VirtualPause(clock));
    }

    private AccessToken get() {
        return service.get(new GetAccessToken.Query(KEY));
    }

    private List<RefreshAttempt> attempts() {
        return refreshLog.recent(KEY, 100);
    }

    @Test
    void aMissFetchesATokenOnceAndCachesIt() {
        connections.save(aConnection().withKey(KEY).build());

        AccessToken token = get();

        assertEquals("tok-1", token.value());
        assertEquals(1, issuer.calls());
        assertEquals(Optional.of(token), tokens.find(KEY));
    }

    @Test
    void aCachedTokenIsServedWithoutAskingUpstream() {
        connections.save(aConnection().withKey(KEY).build());
        AccessToken first = get();
        clock.advance(Duration.ofMinutes(30));

        AccessToken second = get();

        assertEquals(first, second);
        assertEquals(1, issuer.calls());
    }

    @Test
    void aTokenIsServedUpToTheHardBufferAndRefreshedAtIt() {
        connections.save(aConnection().withKey(KEY).build());
        AccessToken first = get();

        clock.set(first.expiresAt().minus(HARD_BUFFER).minusMillis(1));
        assertEquals(first, get(), "just outside the buffer");
        assertEquals(1, issuer.calls());

        clock.set(first.expiresAt().minus(HARD_BUFFER));
        AccessToken second = get();

        assertEquals("tok-2", second.value(), "exactly at the buffer the token is not served");
        assertEquals(2, issuer.calls());
        assertEquals(Optional.of(second), tokens.find(KEY));
    }

    @Test
    void anUnknownConnectionIsNotFoundAndUpstreamIsNeverAsked() {
        ConnectionNotFoundException notFound = assertThrows(ConnectionNotFoundException.class, this::get);

        assertEquals(KEY, notFound.key());
        assertEquals(0, issuer.calls());
        assertEquals(List.of(), attempts());
    }

    @Test
    void anUpstreamOutageIsRethrownAsIsAndRecordedAsAFailure() {
        connections.save(aConnection().withKey(KEY).build());
        UpstreamException down = new UpstreamException.Unavailable("the token endpoint answered 503",
                OptionalInt.of(503), Optional.of("temporarily_unavailable"), Optional.of(Duration.ofSeconds(5)), null);
        issuer.failNext(down);

        UpstreamFailedException thrown = assertThrows(UpstreamFailedException.class, this::get);

        assertSame(down, thrown.getCause());
        assertEquals(Optional.empty(), tokens.find(KEY), "nothing cached");
        RefreshAttempt attempt = single(attempts());
        assertEquals(Outcome.FAILURE, attempt.outcome());
        assertEquals(Trigger.REQUEST, attempt.trigger());
        assertEquals(OptionalInt.of(503), attempt.upstreamStatus());
        assertEquals(Optional.of("temporarily_unavailable"), attempt.errorCode());
        assertEquals(Optional.of("the token endpoint answered 503"), attempt.message());
        assertEquals(recordingLocks.fences(), List.of(attempt.fence()));
    }

    @Test
    void aRejectionIsRethrownTypedAndRecordedWithItsStatusAndCode() {
        issuer.acceptOnly("client-1", "secret-1");
        connections.save(aConnection().withKey(KEY).withClientSecret("not-the-secret").build());

        UpstreamFailedException.Rejected rejected = assertThrows(UpstreamFailedException.Rejected.class, this::get);

        assertEquals(Optional.of("invalid_client"), rejected.errorCode());
        RefreshAttempt attempt = single(attempts());
        assertEquals(Outcome.FAILURE, attempt.outcome());
        assertEquals(OptionalInt.of(401), attempt.upstreamStatus());
        assertEquals(Optional.of("invalid_client"), attempt.errorCode());
    }

    @Test
    void eachRefreshIsRecordedAsASuccessWithItsLeasesFence() {
        connections.save(aConnection().withKey(KEY).build());
        Instant firstAt = clock.instant();
        AccessToken first = get();
        clock.set(first.expiresAt().minus(HARD_BUFFER));
        Instant secondAt = clock.instant();

        get();

        List<Long> fences = recordingLocks.fences();
        assertEquals(2, fences.size());
        assertTrue(fences.get(1) > fences.get(0));
        List<RefreshAttempt> newestFirst = attempts();
        assertEquals(2, newestFirst.size());
        assertSuccess(newestFirst.get(0), secondAt, fences.get(1));
        assertSuccess(newestFirst.get(1), firstAt, fences.get(0));
    }

    private static void assertSuccess(RefreshAttempt attempt, Instant at, long fence) {
        assertEquals(Outcome.SUCCESS, attempt.outcome());
        assertEquals(Trigger.REQUEST, attempt.trigger());
        assertEquals(at, attempt.startedAt());
        assertEquals(at, attempt.completedAt());
        assertEquals(fence, attempt.fence());
        assertEquals(OptionalInt.empty(), attempt.upstreamStatus());
        assertEquals(Optional.empty(), attempt.errorCode());
    }

    @Test
    void aRotatedRefreshTokenIsSavedBeforeTheAccessTokenIsCached() {
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-0").build());
        issuer.rotateRefreshTokens();
        List<Optional<Secret>> refreshTokenWhenCached = new CopyOnWriteArrayList<>();
        TokenStore observing = new ForwardingTokenStore(tokens) {
            @Override
            public boolean put(ConnectionKey key, AccessToken token, Duration ttl, long fence) {
                refreshTokenWhenCached.add(connections.find(key).orElseThrow().refreshToken());
                return super.put(key, token, ttl, fence);
            }
        };
        GetAccessTokenService observed = service(observing, PATIENT);

        AccessToken first = observed.get(new GetAccessToken.Query(KEY));

        assertEquals("tok-1", first.value());
        assertEquals(Optional.of(Secret.of("rt-0")), issuer.seen().get(0).refreshToken(), "refreshed with rt-0");
        assertEquals(List.of(Optional.of(Secret.of("rt-1"))), refreshTokenWhenCached,
                "rt-1 was stored before tok-1 reached the cache");

        clock.set(first.expiresAt().minus(HARD_BUFFER));
        observed.get(new GetAccessToken.Query(KEY));

        assertEquals(Optional.of(Secret.of("rt-1")), issuer.seen().get(1).refreshToken(), "the next refresh uses rt-1");
        assertEquals(Optional.of(Secret.of("rt-2")), connections.find(KEY).orElseThrow().refreshToken());
    }

    @Test
    void aStaleRotationIsNotSavedButItsAccessTokenIsServed() {
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-0").build());
        // A holder of a later lease (fence 1000) already rotated; our lease's fence is lower.
        connections.saveRotation(KEY, Secret.of("rt-newer"), Optional.empty(), 1000);
        issuer.rotateRefreshTokens();

        AccessToken token = get();

        assertEquals("tok-1", token.value());
        assertEquals(Optional.of(token), tokens.find(KEY));
        assertEquals(Optional.of(Secret.of("rt-newer")), connections.find(KEY).orElseThrow().refreshToken());
    }

    @Test
    void concurrentCallersOnAColdKeyShareOneUpstreamCall() throws Exception {
        connections.save(aConnection().withKey(KEY).build());
        InMemoryTokenIssuer.Gate gate = issuer.hold();
        int callerCount = 200;
        List<Caller<AccessToken>> callers = new ArrayList<>();
        for (int i = 0; i < callerCount; i++) {
            callers.add(Caller.start("caller-" + i, this::get));
        }

        try {
            gate.awaitEntered();
            awaitJoinedTheFlight(callers, callerCount - 1);
            assertEquals(1, gate.held(), "one leader inside the issuer");
        } finally {
            gate.release();
        }

        for (Caller<AccessToken> caller : callers) {
            assertEquals("tok-1", caller.result().value());
        }
        assertEquals(1, issuer.calls());
        assertEquals(Outcome.SUCCESS, single(attempts()).outcome());
    }

    @Test
    void waitersSeeTheLeadersFailure() throws Exception {
        connections.save(aConnection().withKey(KEY).build());
        UpstreamException down = new UpstreamException.Unavailable("the token endpoint timed out",
                OptionalInt.empty(), Optional.of("timeout"), Optional.empty(), null);
        issuer.failNext(down);
        InMemoryTokenIssuer.Gate gate = issuer.hold();
        Caller<AccessToken> leader = Caller.start("leader", this::get);
        Caller<AccessToken> waiter;
        try {
            gate.awaitEntered();
            waiter = Caller.start("waiter", this::get);
            awaitJoinedTheFlight(List.of(waiter), 1);
        } finally {
            gate.release();
        }

        assertSame(down, leader.failure().getCause());
        assertSame(leader.failure(), waiter.failure(), "the waiter got the leader's exception, not one of its own");
        assertEquals(1, issuer.calls());
        assertEquals(Outcome.FAILURE, single(attempts()).outcome());
    }

    /** Spins until {@code expected} of the callers wait on a flight in progress (in SingleFlight.await). */
    private static void awaitJoinedTheFlight(List<Caller<AccessToken>> callers, int expected) {
        List<Caller<AccessToken>> pending = new ArrayList<>(callers);
        int joined = 0;
        long deadline = System.nanoTime() + Caller.HANG_GUARD.toNanos();
        while (joined < expected) {
            for (var it = pending.iterator(); it.hasNext(); ) {
                if (it.next().isParkedInside(SingleFlight.class, "await")) {
                    it.remove();
                    joined++;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(joined + " of " + expected + " callers joined the flight in progress");
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void aLeaseHeldElsewhereMakesTheTokenUnavailable() {
        connections.save(aConnection().withKey(KEY).build());
        GetAccessTokenService impatient = service(tokens, IMPATIENT);

        try (Lease elsewhere = locks.acquire(KEY, Duration.ofSeconds(30), Duration.ZERO).orElseThrow()) {
            TokenUnavailableException unavailable = assertThrows(TokenUnavailableException.class,
                    () -> impatient.get(new GetAccessToken.Query(KEY)));
            assertTrue(unavailable.retryAfter().isPresent());
            assertEquals(0, issuer.calls());
        }

        assertEquals("tok-1", impatient.get(new GetAccessToken.Query(KEY)).value(), "served once the lease is free");
    }

    @Test
    void aTokenCachedByTheHolderWeWaitedForIsServedWithoutAskingUpstream() throws Exception {
        connections.save(aConnection().withKey(KEY).build());
        Lease elsewhere = locks.acquire(KEY, Duration.ofSeconds(30), Duration.ZERO).orElseThrow();
        Caller<AccessToken> caller = Caller.start("caller", this::get);
        AccessToken cachedElsewhere = aToken("tok-elsewhere", clock, LIFETIME);
        try {
            // Past its own cache lookup and queued for the lease: only the look under the lease can find it now.
            caller.awaitParkedInside(InMemoryLockManager.class, "acquire");
            tokens.put(KEY, cachedElsewhere, Duration.ofMinutes(10), elsewhere.fence());
        } finally {
            elsewhere.close();
        }

        assertEquals(cachedElsewhere, caller.result());
        assertEquals(0, issuer.calls());
        assertEquals(List.of(), attempts(), "no refresh happened");
    }

    private static <T> T single(List<T> items) {
        assertEquals(1, items.size(), "exactly one: " + items);
        return items.get(0);
    }

    /** Remembers the fence of every lease granted to the service. */
    private static final class RecordingLocks implements LockManager {

        private final LockManager delegate;
        private final List<Long> fences = new CopyOnWriteArrayList<>();

        RecordingLocks(LockManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait) {
            Optional<Lease> lease = delegate.acquire(key, ttl, maxWait);
            lease.ifPresent(granted -> fences.add(granted.fence()));
            return lease;
        }

        List<Long> fences() {
            return List.copyOf(fences);
        }
    }
}
