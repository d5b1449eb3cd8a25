package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryReauthorisations;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.FindConnection;
import io.tokenbroker.application.port.in.InvalidateToken;
import io.tokenbroker.application.port.in.ReauthorisationNeededException;
import io.tokenbroker.application.port.in.SaveConnection;
import io.tokenbroker.application.port.in.TokenUnavailableException;
import io.tokenbroker.application.port.in.UpstreamFailedException;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.application.testing.ResilienceTestData;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.resilience.Backoff;
import io.tokenbroker.domain.resilience.CircuitBreaker;
import io.tokenbroker.domain.resilience.RetryPolicy;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.ArrayList;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retries, Retry-After, the circuit and the minimum interval, on a frozen clock: delays are asserted, not waited. */
class GetAccessTokenResilienceTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final Duration OPEN = Duration.ofSeconds(30);

    /** Draws the top of every jitter range, so each delay is its exponential ceiling. */
    private static final RandomGenerator CEILING = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryTokenStore tokens = new InMemoryTokenStore(clock);
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, Duration.ofHours(1));
    private final InMemoryRefreshLog refreshLog = new InMemoryRefreshLog(100);
    private final VirtualPause pause = new VirtualPause(clock);
    private final InMemoryReauthorisations reauthorisations = new InMemoryReauthorisations();
    private final InMemoryConnectionEvents events = new InMemoryConnectionEvents(10);
    private final GetAccessTokenService service = new GetAccessTokenService(new GetAccessTokenService.Ports(tokens,
            connections, issuer, new InMemoryLockManager(), refreshLog, reauthorisations, events,
            TokenRequestOutcomes.ignore()), new GetAccessTokenService.Settings(RefreshPolicy.defaults(),
            LeaseSettings.defaults(), new ResilienceSettings(new RetryPolicy(3, Duration.ofSeconds(10),
                    new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), CEILING)), 5, OPEN, Duration.ofSeconds(1))),
            clock, pause);
    private final InvalidateTokenService invalidate = new InvalidateTokenService(tokens, connections);
    private final ConnectionService connectionService = new ConnectionService(connections, tokens, reauthorisations,
            events, (url, savedBy) -> Optional.empty(), clock);

    @BeforeEach
    void register() {
        connections.save(aConnection().withKey(KEY).build());
    }

    private AccessToken get() {
        return service.get(new GetAccessToken.Query(KEY));
    }

    private static UpstreamException.Unavailable unavailable(int status, Optional<Duration> retryAfter) {
        return new UpstreamException.Unavailable("answered " + status, OptionalInt.of(status),
                Optional.of("http_" + status), retryAfter, null);
    }

    @Test
    void twoServerErrorsThenSuccessAfterTwoRetriesWithGrowingDelays() {
        issuer.failNext(2, unavailable(503, Optional.empty()));

        AccessToken token = get();

        assertEquals(3, issuer.calls());
        assertEquals(List.of(Duration.ofMillis(200), Duration.ofMillis(400)), pause.pauses());
        List<RefreshAttempt> attempts = refreshLog.recent(KEY, 10);
        assertEquals(List.of(3, 2, 1), attempts.stream().map(RefreshAttempt::attempt).toList());
        assertEquals(List.of(RefreshAttempt.Outcome.SUCCESS, RefreshAttempt.Outcome.FAILURE,
                RefreshAttempt.Outcome.FAILURE), attempts.stream().map(RefreshAttempt::outcome).toList());
        assertEquals(OptionalInt.of(503), attempts.get(1).upstreamStatus());
        assertFalse(token.value().isBlank());
    }

    @Test
    void retryAfterIsHonoured() {
        issuer.failNext(1, unavailable(429, Optional.of(Duration.ofSeconds(2))));

        get();

        assertEquals(List.of(Duration.ofSeconds(2)), pause.pauses());
        assertEquals(2, issuer.calls());
    }

    @Test
    void aRetryAfterBeyondTheTotalBoundFailsAtOnceWithIt() {
        issuer.failNext(1, unavailable(429, Optional.of(Duration.ofSeconds(60))));

        UpstreamFailedException.Unavailable failure = assertThrows(UpstreamFailedException.Unavailable.class, this::get);

        assertEquals(Optional.of(Duration.ofSeconds(60)), failure.retryAfter());
        assertEquals(1, issuer.calls());
        assertTrue(pause.pauses().isEmpty());
    }

    @Test
    void throttlingDoesNotOpenTheCircuit() {
        issuer.failNext(9, unavailable(429, Optional.of(Duration.ofMillis(100))));
        for (int i = 0; i < 3; i++) {
            assertThrows(UpstreamFailedException.Unavailable.class, this::get);
            clock.advance(Duration.ofSeconds(2));
        }

        assertEquals(CircuitBreaker.State.CLOSED, service.circuits().circuitState(KEY));
    }

    @Test
    void rejectionsAreNeverRetried() {
        issuer.failNext(1, new UpstreamException.Rejected("refused", OptionalInt.of(400), Optional.of("invalid_grant")));

        assertThrows(UpstreamFailedException.Rejected.class, this::get);

        assertEquals(1, issuer.calls());
        assertTrue(pause.pauses().isEmpty());
    }

    @Test
    void fiveConsecutiveFailuresOpenTheCircuitWhichThenProbesOnceAndCloses() {
        issuer.failNext(5, unavailable(503, Optional.empty()));
        assertThrows(UpstreamFailedException.Unavailable.class, this::get); // attempts 1-3
        clock.advance(Duration.ofSeconds(5));
        assertThrows(UpstreamFailedException.class, this::get); // attempts 4-5, then the circuit opens
        assertEquals(5, issuer.calls());
        assertEquals(CircuitBreaker.State.OPEN, service.circuits().circuitState(KEY));

        clock.advance(Duration.ofSeconds(5));
        TokenUnavailableException refused = assertThrows(TokenUnavailableException.class, this::get);
        assertEquals(5, issuer.calls(), "no upstream call while the circuit is open");
        assertTrue(refused.retryAfter().isPresent());

        clock.advance(OPEN);
        assertEquals(CircuitBreaker.State.HALF_OPEN, service.circuits().circuitState(KEY));
        get();
        assertEquals(6, issuer.calls(), "one probe");
        assertEquals(CircuitBreaker.State.CLOSED, service.circuits().circuitState(KEY));
    }

    @Test
    void aCachedTokenIsServedWhileTheUpstreamIsDown() {
        AccessToken cached = get();
        issuer.failNext(100, unavailable(503, Optional.empty()));
        clock.advance(Duration.ofMinutes(30));

        assertEquals(cached, get());
    }

    @Test
    void pastTheBufferAFailingUpstreamIsAnErrorWithRetryAfterNotAStaleToken() {
        get();
        issuer.failNext(100, unavailable(503, Optional.of(Duration.ofSeconds(3))));
        clock.advance(Duration.ofHours(1).minus(RefreshPolicy.DEFAULT_HARD_BUFFER));

        UpstreamFailedException.Unavailable failure = assertThrows(UpstreamFailedException.Unavailable.class, this::get);

        assertEquals(Optional.of(Duration.ofSeconds(3)), failure.retryAfter());
    }

    @Test
    void refreshesOfOneConnectionAreSpacedByTheMinimumInterval() {
        AccessToken first = get();
        invalidate.invalidate(new InvalidateToken.Command(KEY, Optional.of(first.value())));

        get();

        assertEquals(List.of(Duration.ofSeconds(1)), pause.pauses());
        assertEquals(2, issuer.calls());
    }

    @Test
    void aFailureIsNotCachedPastItsWindow() {
        issuer.failNext(3, unavailable(503, Optional.empty()));
        assertThrows(UpstreamFailedException.Unavailable.class, this::get);
        clock.advance(Duration.ofSeconds(2));

        assertFalse(get().value().isBlank());
    }

    @Test
    void aRefusedRefreshTokenMarksTheConnectionAndStopsCallingUntilItIsSavedAgain() {
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-revoked").build());
        issuer.failNext(1, new UpstreamException.Rejected("refused", OptionalInt.of(400), Optional.of("invalid_grant")));
        assertThrows(UpstreamFailedException.Rejected.class, this::get);

        ReauthorisationNeededException needed = assertThrows(ReauthorisationNeededException.class, this::get);

        assertEquals(clock.instant(), needed.since());
        assertEquals(1, issuer.calls(), "no upstream call once the grant is known to be gone");
        assertEquals(Optional.of(clock.instant()), connectionService.find(new FindConnection.Query(KEY))
                .needsReauthorisationSince());
        assertEquals(ConnectionEvent.Type.NEEDS_REAUTHORIZATION, events.recent(1).get(0).type());
        connectionService.save(new SaveConnection.Command(aConnection().withKey(KEY).withRefreshToken("rt-new").build()));
        assertEquals(ConnectionEvent.Type.REAUTHORIZED, events.recent(1).get(0).type());
        assertEquals(Optional.empty(), connectionService.find(new FindConnection.Query(KEY))
                .needsReauthorisationSince());
        assertFalse(get().value().isBlank());
        assertEquals(2, issuer.calls());
    }

    @Test
    void aRefreshTokenRotatedByAnotherHolderMeanwhileIsTriedOnceInsteadOfMarkingTheConnection() {
        // Two instances that could only take in-process leases (Redis stalled) both read "rt-1"; the other one used
        // it first, so the provider refuses ours, while the store already holds the token it got in exchange.
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-1").build());
        List<String> presented = new ArrayList<>();
        TokenIssuer racing = connection -> {
            presented.add(connection.refreshToken().orElseThrow().reveal());
            if (presented.size() == 1) {
                connections.save(aConnection().withKey(KEY).withRefreshToken("rt-2-from-the-other-instance").build());
                throw new UpstreamException.Rejected("refused", OptionalInt.of(400), Optional.of("invalid_grant"));
            }
            return issuer.issue(connection);
        };
        AccessToken token = serviceWith(racing).get(new GetAccessToken.Query(KEY));

        assertFalse(token.value().isBlank());
        assertEquals(List.of("rt-1", "rt-2-from-the-other-instance"), presented);
        assertEquals(Optional.empty(), reauthorisations.find(KEY), "a stale token is not a revoked grant");
        assertTrue(events.recent(10).stream().noneMatch(event -> event.type() == ConnectionEvent.Type.NEEDS_REAUTHORIZATION
                || event.type() == ConnectionEvent.Type.REFRESH_FAILED));
        assertEquals(List.of(RefreshAttempt.Outcome.SUCCESS, RefreshAttempt.Outcome.FAILURE),
                refreshLog.recent(KEY, 10).stream().map(RefreshAttempt::outcome).toList(), "both calls audited");
    }

    @Test
    void aRotatedTokenThatIsRefusedTooMarksTheConnection() {
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-1").build());
        List<String> presented = new ArrayList<>();
        TokenIssuer refusing = connection -> {
            presented.add(connection.refreshToken().orElseThrow().reveal());
            if (presented.size() == 1) {
                connections.save(aConnection().withKey(KEY).withRefreshToken("rt-2").build());
            }
            throw new UpstreamException.Rejected("refused", OptionalInt.of(400), Optional.of("invalid_grant"));
        };

        assertThrows(UpstreamFailedException.Rejected.class, () -> serviceWith(refusing).get(new GetAccessToken.Query(KEY)));

        assertEquals(List.of("rt-1", "rt-2"), presented, "one more try, not a loop");
        assertTrue(reauthorisations.find(KEY).isPresent(), "the stored token is refused too: the grant is gone");
    }

    @Test
    void aRotationStoredUnderAHigherFenceIsLeftToTheNextLeaseInsteadOfRotatedAgainAndLost() {
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-1").build());
        List<String> presented = new ArrayList<>();
        TokenIssuer racing = connection -> {
            presented.add(connection.refreshToken().orElseThrow().reveal());
            // The other holder's fence is far above ours: a rotation we stored now would be refused as stale.
            connections.saveRotation(KEY, Secret.of("rt-2-from-the-other-instance"), Optional.empty(), 1_000);
            throw new UpstreamException.Rejected("refused", OptionalInt.of(400), Optional.of("invalid_grant"));
        };

        TokenUnavailableException retry = assertThrows(TokenUnavailableException.class,
                () -> serviceWith(racing).get(new GetAccessToken.Query(KEY)));

        assertEquals(List.of("rt-1"), presented, "no call whose rotation could not be kept");
        assertEquals(Optional.of(Duration.ofSeconds(1)), retry.retryAfter());
        assertEquals(Optional.empty(), reauthorisations.find(KEY));
    }

    private GetAccessTokenService serviceWith(TokenIssuer upstream) {
        return new GetAccessTokenService(new GetAccessTokenService.Ports(tokens, connections, upstream,
                new InMemoryLockManager(), refreshLog, reauthorisations, events, TokenRequestOutcomes.ignore()),
                new GetAccessTokenService.Settings(RefreshPolicy.defaults(), LeaseSettings.defaults(),
                        ResilienceTestData.noRetries()), clock, pause);
    }

    @Test
    void invalidGrantOnClientCredentialsIsNotMarked() {
        issuer.failNext(1, new UpstreamException.Rejected("refused", OptionalInt.of(400), Optional.of("invalid_grant")));
        assertThrows(UpstreamFailedException.Rejected.class, this::get);
        clock.advance(Duration.ofSeconds(2));

        assertFalse(get().value().isBlank());
    }
}
