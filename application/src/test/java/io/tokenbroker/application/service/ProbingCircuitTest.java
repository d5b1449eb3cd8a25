package io.tokenbroker.application.service;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryReauthorisations;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.in.BrokerException;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.Backoff;
import io.tokenbroker.domain.resilience.CircuitBreaker;
import io.tokenbroker.domain.resilience.RetryPolicy;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The probing circuit in the request flow, on a frozen clock moved by the test: a request every 100 ms against an
 * upstream that answers 503 until the burst ends. Nothing is cached (each request is a miss), so every request that
 * the circuit lets through calls the upstream.
 */
class ProbingCircuitTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final Duration STEP = Duration.ofMillis(100);
    private static final Duration OPEN_MIN = Duration.ofSeconds(1);
    private static final Duration FAST_WINDOW = Duration.ofSeconds(60);
    private static final Duration OPEN_MAX = Duration.ofSeconds(30);
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private final TestClock clock = TestClock.at(START);
    private final InMemoryTokenIssuer healthy = new InMemoryTokenIssuer(clock, Duration.ofHours(1));
    private final List<Instant> calls = new ArrayList<>();
    private Instant burstEnds = Instant.MAX;
    private final InMemoryConnectionEvents events = new InMemoryConnectionEvents(100);
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenStore tokens = new InMemoryTokenStore(clock);

    /** 503 until the burst ends, then the healthy issuer. */
    private final TokenIssuer upstream = connection -> {
        calls.add(clock.instant());
        if (clock.instant().isBefore(burstEnds)) {
            throw new UpstreamException.Unavailable("answered 503", OptionalInt.of(503), Optional.of("http_503"),
                    Optional.empty(), null);
        }
        return healthy.issue(connection);
    };

    private final GetAccessTokenService service = new GetAccessTokenService(new GetAccessTokenService.Ports(tokens,
            connections, upstream, new InMemoryLockManager(), new InMemoryRefreshLog(1000),
            new InMemoryReauthorisations(), events, TokenRequestOutcomes.ignore()),
            new GetAccessTokenService.Settings(RefreshPolicy.defaults(), LeaseSettings.defaults(),
                    new ResilienceSettings(new RetryPolicy(1, Duration.ZERO, new Backoff(Duration.ofMillis(1),
                            Duration.ofMillis(1), RandomGenerator.getDefault())), 5, OPEN_MAX, Duration.ZERO,
                            OPEN_MIN, FAST_WINDOW)),
            clock, new VirtualPause(clock));

    @BeforeEach
    void register() {
        connections.save(aConnection().withKey(KEY).build());
    }

    /** One request; true when it got a token. */
    private boolean request() {
        try {
            service.get(new GetAccessToken.Query(KEY));
            return true;
        } catch (BrokerException refusedOrFailed) {
            return false;
        }
    }

    @Test
    void whenATenSecondBurstEndsTheNextProbeWithinOpenMinSucceedsAndClosesTheCircuit() {
        burstEnds = START.plusSeconds(10);
        while (clock.instant().isBefore(burstEnds)) {
            assertTrue(!request(), "nothing is served during the burst");
            clock.advance(STEP);
        }
        assertEquals(CircuitBreaker.State.OPEN, service.circuits().circuitState(KEY));
        int callsDuringBurst = calls.size();

        while (!request()) {
            clock.advance(STEP);
        }

        Duration recovery = Duration.between(burstEnds, clock.instant());
        assertTrue(recovery.compareTo(OPEN_MIN) <= 0, "recovered after " + recovery);
        assertEquals(CircuitBreaker.State.CLOSED, service.circuits().circuitState(KEY));
        // 5 failures open it, then one probe per second: not one call per request.
        assertTrue(callsDuringBurst <= 5 + 10, callsDuringBurst + " calls during the burst");
        List<ConnectionEvent.Type> published = events.recent(100).stream().map(ConnectionEvent::type).toList();
        assertEquals(1, published.stream().filter(ConnectionEvent.Type.CIRCUIT_OPENED::equals).count());
        assertEquals(ConnectionEvent.Type.CIRCUIT_CLOSED, published.stream()
                .filter(type -> type != ConnectionEvent.Type.TOKEN_REFRESHED).findFirst().orElseThrow());
    }

    @Test
    void afterTheFastWindowTheTimeBetweenProbesDoublesUpToTheOpenDuration() {
        while (Duration.between(START, clock.instant()).compareTo(Duration.ofMinutes(4)) < 0) {
            request();
            clock.advance(STEP);
        }

        List<Duration> gaps = new ArrayList<>();
        for (int i = 1; i < calls.size(); i++) {
            if (!calls.get(i - 1).isBefore(START.plus(FAST_WINDOW))) {
                gaps.add(Duration.between(calls.get(i - 1), calls.get(i)));
            }
        }
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                Duration.ofSeconds(16), OPEN_MAX, OPEN_MAX, OPEN_MAX, OPEN_MAX),
                gaps);
        assertTrue(calls.stream().filter(at -> at.isBefore(START.plus(FAST_WINDOW))).count() <= 5 + 60,
                "one probe per second within the fast window");
    }
}
