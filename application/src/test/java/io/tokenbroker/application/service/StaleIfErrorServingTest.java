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
import io.tokenbroker.application.port.in.GetAccessToken.Served;
import io.tokenbroker.application.port.in.TokenUnavailableException;
import io.tokenbroker.application.port.in.UpstreamFailedException;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.TokenRequestOutcomes.Outcome;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.Backoff;
import io.tokenbroker.domain.resilience.RetryPolicy;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.RefreshPolicy;
import io.tokenbroker.domain.token.StaleIfError;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stale-if-error on a frozen clock: 5-minute tokens, a 60 s buffer, a 10 s minimum. The token cached at the start is
 * servable until 240 s, kept by the store until 295 s, and may be served stale (after a failed refresh) until 290 s.
 */
class StaleIfErrorServingTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private final TestClock clock = TestClock.at(START);
    private final InMemoryTokenStore tokens = new InMemoryTokenStore(clock);
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, LIFETIME);
    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    private AccessToken cached;

    private GetAccessTokenService service(StaleIfError staleIfError, LockManager locks) {
        return new GetAccessTokenService(new GetAccessTokenService.Ports(tokens, connections, issuer, locks,
                new InMemoryRefreshLog(100), new InMemoryReauthorisations(), new InMemoryConnectionEvents(100),
                outcomes::add),
                new GetAccessTokenService.Settings(RefreshPolicy.defaults(), LeaseSettings.defaults(),
                        new ResilienceSettings(new RetryPolicy(1, Duration.ZERO, new Backoff(Duration.ofMillis(1),
                                Duration.ofMillis(1), RandomGenerator.getDefault())), 1, Duration.ofSeconds(30),
                                Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(60)),
                        staleIfError),
                clock, new VirtualPause(clock));
    }

    private final GetAccessTokenService service = service(new StaleIfError(Duration.ofSeconds(10)),
            new InMemoryLockManager());

    private static UpstreamException.Unavailable outage() {
        return new UpstreamException.Unavailable("answered 503", OptionalInt.of(503), Optional.of("http_503"),
                Optional.empty(), null);
    }

    @BeforeEach
    void cacheAToken() {
        connections.save(aConnection().withKey(KEY).build());
        cached = service.get(new GetAccessToken.Query(KEY));
        outcomes.clear();
    }

    @Test
    void theStoreKeepsTheTokenPastItsBufferUntilItsExpiryLessTheClockMargin() {
        clock.advance(Duration.ofSeconds(250));
        assertEquals(Optional.of(cached), tokens.find(KEY));
        clock.advance(Duration.ofSeconds(45));
        assertEquals(Optional.empty(), tokens.find(KEY));
    }

    @Test
    void aTokenInsideTheBufferIsStillRefreshedWhenTheUpstreamAnswers() {
        clock.advance(Duration.ofSeconds(250));

        Served served = service.serve(new GetAccessToken.Query(KEY));

        assertFalse(served.stale());
        assertTrue(served.token().expiresAt().isAfter(cached.expiresAt()));
        assertEquals(List.of(Outcome.MISS), outcomes);
    }

    @Test
    void anUpstreamOutageServesTheCachedTokenMarkedStale() {
        clock.advance(Duration.ofSeconds(250));
        issuer.failNext(outage());

        Served served = service.serve(new GetAccessToken.Query(KEY));

        assertTrue(served.stale());
        assertEquals(cached, served.token());
        assertEquals(List.of(Outcome.STALE_IF_ERROR), outcomes);
    }

    @Test
    void anOpenCircuitServesTheCachedTokenMarkedStaleWithoutCallingTheUpstream() {
        clock.advance(Duration.ofSeconds(250));
        issuer.failNext(outage());
        service.serve(new GetAccessToken.Query(KEY)); // opens the circuit (threshold 1)
        int calls = issuer.calls();

        Served served = service.serve(new GetAccessToken.Query(KEY));

        assertTrue(served.stale());
        assertEquals(calls, issuer.calls());
        assertEquals(List.of(Outcome.STALE_IF_ERROR, Outcome.STALE_IF_ERROR), outcomes);
    }

    @Test
    void aLeaseWaitThatRunsOutServesTheCachedTokenMarkedStale() {
        GetAccessTokenService leaseNeverFree = service(new StaleIfError(Duration.ofSeconds(10)),
                (key, ttl, maxWait) -> Optional.empty());
        clock.advance(Duration.ofSeconds(250));

        assertTrue(leaseNeverFree.serve(new GetAccessToken.Query(KEY)).stale());
    }

    @Test
    void neverWithLessThanTheMinimumLeft() {
        clock.advance(Duration.ofSeconds(291));
        issuer.failNext(outage());

        assertThrows(UpstreamFailedException.Unavailable.class, () -> service.serve(new GetAccessToken.Query(KEY)));
        assertEquals(List.of(Outcome.ERROR), outcomes);
    }

    @Test
    void neverForARequestThatAskedForAMinimumValidity() {
        clock.advance(Duration.ofSeconds(250));
        issuer.failNext(outage());

        assertThrows(UpstreamFailedException.Unavailable.class,
                () -> service.serve(new GetAccessToken.Query(KEY, Duration.ofSeconds(5))));
    }

    @Test
    void neverWhenTheUpstreamRefused() {
        clock.advance(Duration.ofSeconds(250));
        issuer.failNext(new UpstreamException.Rejected("answered 401", OptionalInt.of(401),
                Optional.of("invalid_client")));

        assertThrows(UpstreamFailedException.Rejected.class, () -> service.serve(new GetAccessToken.Query(KEY)));
    }

    @Test
    void offWhenTheMinimumIsZero() {
        GetAccessTokenService off = service(StaleIfError.off(), (key, ttl, maxWait) -> Optional.empty());
        clock.advance(Duration.ofSeconds(250));

        assertThrows(TokenUnavailableException.class, () -> off.serve(new GetAccessToken.Query(KEY)));
    }
}
