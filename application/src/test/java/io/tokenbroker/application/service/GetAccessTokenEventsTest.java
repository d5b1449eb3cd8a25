package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static io.tokenbroker.application.testing.TokenTestData.aToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryReauthorisations;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.RefreshConnection;
import io.tokenbroker.application.port.in.TokenUnavailableException;
import io.tokenbroker.application.port.in.UpstreamFailedException;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.TokenRequestOutcomes.Outcome;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.application.testing.DelegatingConnections;
import io.tokenbroker.application.testing.ForwardingTokenStore;
import io.tokenbroker.application.testing.ResilienceTestData;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionEvent.Type;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.resilience.Backoff;
import io.tokenbroker.domain.resilience.RetryPolicy;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the token service tells operators (events) and metrics (request outcomes): each new token, each failed
 * refresh once however many retries it took, each real circuit transition once; each request counted exactly once.
 */
class GetAccessTokenEventsTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final Duration LIFETIME = Duration.ofHours(1);
    private static final Duration OPEN = Duration.ofSeconds(30);
    private static final int THRESHOLD = 2;

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryTokenStore tokens = new InMemoryTokenStore(clock);
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, LIFETIME);
    private final InMemoryConnectionEvents events = new InMemoryConnectionEvents(100);
    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();

    private GetAccessTokenService service(TokenStore store, ConnectionEvents publisher, int maxAttempts) {
        RandomGenerator fixed = RandomGenerator.of("L64X128MixRandom");
        ResilienceSettings resilience = new ResilienceSettings(new RetryPolicy(maxAttempts, Duration.ofSeconds(10),
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), fixed)), THRESHOLD, OPEN, Duration.ZERO);
        return new GetAccessTokenService(new GetAccessTokenService.Ports(store, connections, issuer,
                new InMemoryLockManager(), new InMemoryRefreshLog(100), new InMemoryReauthorisations(), publisher,
                outcomes::add),
                new GetAccessTokenService.Settings(RefreshPolicy.defaults(), LeaseSettings.defaults(), resilience),
                clock, new VirtualPause(clock));
    }

    private final GetAccessTokenService oneAttempt = service(tokens, events, 1);

    @BeforeEach
    void register() {
        connections.save(aConnection().withKey(KEY).withRefreshToken("rt-0").build());
    }

    private AccessToken get(GetAccessTokenService service) {
        return service.get(new GetAccessToken.Query(KEY));
    }

    /** Oldest first, the order they were published. */
    private List<ConnectionEvent> published() {
        List<ConnectionEvent> oldestFirst = new ArrayList<>(events.recent(100));
        java.util.Collections.reverse(oldestFirst);
        return oldestFirst;
    }

    private List<Type> types() {
        return published().stream().map(ConnectionEvent::type).toList();
    }

    private static UpstreamException.Unavailable outage() {
        return new UpstreamException.Unavailable("answered 503", OptionalInt.of(503), Optional.of("http_503"),
                Optional.empty(), null);
    }

    @Test
    void eachNewTokenIsAnnouncedWithItsTriggerAndExpiry() {
        AccessToken first = get(oneAttempt);
        get(oneAttempt);
        AccessToken manual = oneAttempt.refresh(new RefreshConnection.Command(KEY, RefreshConnection.Reason.MANUAL));
        clock.advance(Duration.ofMinutes(50));
        AccessToken proactive = oneAttempt.refresh(new RefreshConnection.Command(KEY,
                RefreshConnection.Reason.PROACTIVE));

        List<ConnectionEvent> published = published();
        assertEquals(List.of(Type.TOKEN_REFRESHED, Type.TOKEN_REFRESHED, Type.TOKEN_REFRESHED), types(),
                "the cache hit announced nothing");
        assertEquals(List.of("request", "manual", "proactive"),
                published.stream().map(ConnectionEvent::detail).toList());
        assertEquals(List.of(Optional.of(first.expiresAt()), Optional.of(manual.expiresAt()),
                Optional.of(proactive.expiresAt())), published.stream().map(ConnectionEvent::expiresAt).toList());
        assertEquals(KEY, published.get(0).key());
        published.forEach(event -> assertFalse(event.toString().contains(first.value()), "no token in " + event));
    }

    @Test
    void aRefreshThatSucceedsOnARetryAnnouncesOnlyTheNewToken() {
        issuer.failNext(1, outage());

        get(service(tokens, events, 3));

        assertEquals(2, issuer.calls());
        assertEquals(List.of(Type.TOKEN_REFRESHED), types());
    }

    @Test
    void aRefreshThatFailsAfterItsRetriesIsAnnouncedOnceWithItsCode() {
        // Throttling does not count against the circuit, so all three attempts are made.
        issuer.failNext(3, new UpstreamException.Unavailable("answered 429", OptionalInt.of(429),
                Optional.of("http_429"), Optional.empty(), null));

        assertThrows(UpstreamFailedException.class, () -> get(service(tokens, events, 3)));

        assertEquals(3, issuer.calls());
        assertEquals(List.of(Type.REFRESH_FAILED), types());
        assertEquals("http_429", published().get(0).detail());
    }

    @Test
    void aRefreshWhoseFailuresOpenTheCircuitIsAnnouncedAsFailedThenTheOpening() {
        issuer.failNext(3, outage());

        assertThrows(UpstreamFailedException.class, () -> get(service(tokens, events, 3)));

        assertEquals(2, issuer.calls(), "the call that opened the circuit (threshold 2) was the last");
        assertEquals(List.of(Type.REFRESH_FAILED, Type.CIRCUIT_OPENED), types());
        assertEquals("http_503", published().get(0).detail());
    }

    @Test
    void aRefusedRefreshTokenIsAFailedRefreshAndNeedsReauthorisation() {
        issuer.failNext(new UpstreamException.Rejected("refused", OptionalInt.of(400), Optional.of("invalid_grant")));

        assertThrows(UpstreamFailedException.Rejected.class, () -> get(oneAttempt));

        assertEquals(List.of(Type.REFRESH_FAILED, Type.NEEDS_REAUTHORIZATION), types());
        assertEquals("invalid_grant", published().get(0).detail());
    }

    @Test
    void anErrorCodeThatIsNotAPlainCodeIsReplacedByTheStatusClass() {
        issuer.failNext(new UpstreamException.Rejected("refused", OptionalInt.of(401),
                Optional.of("bad client secret=hunter2")));

        assertThrows(UpstreamFailedException.Rejected.class, () -> get(oneAttempt));

        assertEquals("http_4xx", published().get(0).detail());
        assertEquals("unavailable", UpstreamCalls.failureCode(new UpstreamException.Unavailable("x",
                OptionalInt.empty(), Optional.empty(), Optional.empty(), null)));
    }

    @Test
    void theCircuitIsAnnouncedOnceWhenItOpensAndOnceWhenItCloses() {
        issuer.failNext(3, outage());

        assertThrows(UpstreamFailedException.class, () -> get(oneAttempt));
        assertThrows(UpstreamFailedException.class, () -> get(oneAttempt));
        assertThrows(TokenUnavailableException.class, () -> get(oneAttempt), "open: refused without a call");
        clock.advance(OPEN);
        assertThrows(UpstreamFailedException.class, () -> get(oneAttempt), "the probe fails: open again");
        clock.advance(OPEN);
        get(oneAttempt);

        assertEquals(List.of(Type.REFRESH_FAILED, Type.REFRESH_FAILED, Type.CIRCUIT_OPENED,
                Type.REFRESH_FAILED, Type.CIRCUIT_CLOSED, Type.TOKEN_REFRESHED), types(),
                "no event for the refusal while open, no second opening for the failed probe");
        assertEquals(4, issuer.calls());
    }

    @Test
    void aTokenTheUpstreamIssuedButThatCouldNotBeStoredIsAFailedRefresh() {
        issuer.rotateRefreshTokens();
        Connections vaultRefusesRotations = new DelegatingConnections(connections) {
            @Override
            public boolean saveRotation(ConnectionKey key, Secret refreshToken, Optional<Instant> expiresAt,
                                        long fence) {
                throw new IllegalStateException("the vault is read-only");
            }
        };
        GetAccessTokenService service = new GetAccessTokenService(new GetAccessTokenService.Ports(tokens,
                vaultRefusesRotations, issuer, new InMemoryLockManager(), new InMemoryRefreshLog(100),
                new InMemoryReauthorisations(), events, outcomes::add),
                new GetAccessTokenService.Settings(RefreshPolicy.defaults(), LeaseSettings.defaults(),
                        ResilienceTestData.noRetries()), clock, new VirtualPause(clock));

        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> get(service),
                "rethrown: the caller must not get a token whose rotated refresh token is lost");

        assertEquals("the vault is read-only", thrown.getMessage());
        assertEquals(List.of(Type.REFRESH_FAILED), types());
        assertEquals("not_stored", published().get(0).detail());
        assertEquals(Optional.empty(), tokens.find(KEY), "nothing cached either");
    }

    @Test
    void aPublisherThatThrowsDoesNotFailTheRequest() {
        ConnectionEvents broken = new ConnectionEvents() {
            @Override
            public void publish(ConnectionEvent event) {
                throw new IllegalStateException("the event sink is broken");
            }

            @Override
            public List<ConnectionEvent> recent(int limit) {
                return List.of();
            }
        };

        AccessToken token = get(service(tokens, broken, 1));

        assertEquals(Optional.of(token), tokens.find(KEY));
        assertEquals(List.of(Outcome.MISS), outcomes);
    }

    @Test
    void eachRequestIsCountedOnceByHowItWasAnswered() {
        AccessToken token = get(oneAttempt);
        get(oneAttempt);
        clock.set(RefreshPolicy.defaults().refreshAheadAt(token));
        get(oneAttempt);
        clock.set(RefreshPolicy.defaults().serveUntil(token));
        get(oneAttempt);
        connections.remove(KEY);
        tokens.delete(KEY);
        assertThrows(RuntimeException.class, () -> get(oneAttempt));

        assertEquals(List.of(Outcome.MISS, Outcome.CACHE_HIT, Outcome.STALE_SERVED, Outcome.MISS, Outcome.ERROR),
                outcomes);
    }

    @Test
    void aHitFromTheNearCacheIsCountedAsSuchUnlessItIsDue() {
        // Says every token it finds came from a near cache, as the Redis adapter's store does for its hits.
        TokenStore near = new ForwardingTokenStore(tokens) {
            @Override
            public Optional<Found> lookup(ConnectionKey key) {
                return find(key).map(token -> new Found(token, Source.NEAR_CACHE));
            }
        };
        GetAccessTokenService service = service(near, events, 1);
        AccessToken token = aToken("tok-near", clock, LIFETIME);
        tokens.put(KEY, token, Duration.ofMinutes(59), 1);

        get(service);
        clock.set(RefreshPolicy.defaults().refreshAheadAt(token));
        get(service);

        assertEquals(List.of(Outcome.NEAR_CACHE_HIT, Outcome.STALE_SERVED), outcomes);
    }
}
