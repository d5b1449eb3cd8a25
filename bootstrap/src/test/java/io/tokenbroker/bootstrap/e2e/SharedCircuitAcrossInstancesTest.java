package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.tokenbroker.adapters.redis.RedisAdapters;
import io.tokenbroker.application.inmemory.InMemoryCircuitLedger;
import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryReauthorisations;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.port.in.BrokerException;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.application.service.GetAccessTokenService;
import io.tokenbroker.application.service.LeaseSettings;
import io.tokenbroker.application.service.ResilienceSettings;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.TestSeals;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.bootstrap.LocalRedis;
import io.tokenbroker.domain.connection.ClientAuthMethod;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionEvent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.resilience.Backoff;
import io.tokenbroker.domain.resilience.CircuitBreaker;
import io.tokenbroker.domain.resilience.RetryPolicy;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two token services, as two instances would run them, over one real Redis (tokens, leases and circuits through the
 * Redis adapters) on one frozen clock: during a 503 burst they share one circuit, take one probe per period between
 * them, and announce its opening and its closing once.
 */
class SharedCircuitAcrossInstancesTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final Duration STEP = Duration.ofMillis(100);
    private static final Duration OPEN_MIN = Duration.ofSeconds(1);
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant BURST_ENDS = START.plusSeconds(10);

    private final TestClock clock = TestClock.at(START);
    private final InMemoryTokenIssuer healthy = new InMemoryTokenIssuer(clock, Duration.ofHours(1));
    private final List<Instant> calls = new ArrayList<>();
    private final InMemoryConnections connections = new InMemoryConnections();
    private final List<RedisClient> clients = new ArrayList<>();
    private final List<RedisAdapters> adapters = new ArrayList<>();
    private final List<InMemoryConnectionEvents> events = new ArrayList<>();
    private final List<GetAccessTokenService> instances = new ArrayList<>();
    private LocalRedis redis;

    private final TokenIssuer upstream = connection -> {
        synchronized (calls) {
            calls.add(clock.instant());
        }
        if (clock.instant().isBefore(BURST_ENDS)) {
            throw new UpstreamException.Unavailable("answered 503", OptionalInt.of(503), Optional.of("http_503"),
                    Optional.empty(), null);
        }
        return healthy.issue(connection);
    };

    @BeforeEach
    void start() throws IOException {
        redis = LocalRedis.start();
        connections.save(new Connection(KEY, ProviderType.OAUTH2, URI.create("https://idp.example/token"),
                Optional.of("client"), Optional.of(Secret.of("secret")), List.of("read"),
                ClientAuthMethod.CLIENT_SECRET_BASIC, Optional.empty(), Map.of()));
        for (String instance : List.of("a", "b")) {
            RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", redis.port()));
            clients.add(client);
            RedisAdapters shared = RedisAdapters.connect(client, new RedisAdapters.Settings("tb",
                    Duration.ofSeconds(5), 100, Duration.ofSeconds(1)), new TestSeals("k1"), clock, instance,
                    new InMemoryLockManager());
            adapters.add(shared);
            InMemoryConnectionEvents published = new InMemoryConnectionEvents(100);
            events.add(published);
            instances.add(new GetAccessTokenService(new GetAccessTokenService.Ports(shared.tokenStore(),
                    connections, upstream, shared.lockManager(), new InMemoryRefreshLog(1000),
                    new InMemoryReauthorisations(), published, TokenRequestOutcomes.ignore(),
                    shared.circuitLedger(new InMemoryCircuitLedger())),
                    new GetAccessTokenService.Settings(RefreshPolicy.defaults(), LeaseSettings.defaults(),
                            new ResilienceSettings(new RetryPolicy(1, Duration.ZERO, new Backoff(Duration.ofMillis(1),
                                    Duration.ofMillis(1), RandomGenerator.getDefault())), 5, Duration.ofSeconds(30),
                                    Duration.ZERO, OPEN_MIN, Duration.ofSeconds(60))),
                    clock, new VirtualPause(clock)));
        }
    }

    @AfterEach
    void stop() throws IOException {
        adapters.forEach(RedisAdapters::close);
        clients.forEach(RedisClient::shutdown);
        redis.stop();
    }

    private boolean request(int instance) {
        try {
            instances.get(instance).get(new GetAccessToken.Query(KEY));
            return true;
        } catch (BrokerException refusedOrFailed) {
            return false;
        }
    }

    private long published(ConnectionEvent.Type type) {
        return events.stream().flatMap(instance -> instance.recent(100).stream())
                .filter(event -> event.type() == type).count();
    }

    @Test
    void twoInstancesTakeOneProbePerPeriodBetweenThemAndAnnounceEachTransitionOnce() {
        boolean served = false;
        while (!served) {
            // Both instances ask at every step, as callers spread over them would.
            served = request(0) | request(1);
            if (!served) {
                clock.advance(STEP);
            }
            assertTrue(clock.instant().isBefore(BURST_ENDS.plusSeconds(5)), "never recovered");
        }

        Duration recovery = Duration.between(BURST_ENDS, clock.instant());
        assertTrue(recovery.compareTo(OPEN_MIN) <= 0, "recovered " + recovery + " after the burst");
        Instant opened = calls.get(4);
        Map<Long, Integer> probesPerSecond = new TreeMap<>();
        calls.stream().filter(opened::isBefore).forEach(at -> probesPerSecond.merge(
                Duration.between(opened, at).minusNanos(1).toSeconds(), 1, Integer::sum));
        assertTrue(probesPerSecond.values().stream().allMatch(count -> count == 1),
                "one probe per period across both instances: " + probesPerSecond);
        assertEquals(1, published(ConnectionEvent.Type.CIRCUIT_OPENED));
        assertEquals(1, published(ConnectionEvent.Type.CIRCUIT_CLOSED));
        assertEquals(CircuitBreaker.State.CLOSED, instances.get(0).circuits().circuitState(KEY));
        assertEquals(CircuitBreaker.State.CLOSED, instances.get(1).circuits().circuitState(KEY));
    }

    @Test
    void bothInstancesSeeTheOpenCircuitButOnlyTheOpenerCountsIt() {
        for (int i = 0; i < 5; i++) {
            request(0);
        }

        assertEquals(CircuitBreaker.State.OPEN, instances.get(1).circuits().circuitState(KEY));
        assertEquals(Map.of(KEY, CircuitBreaker.State.OPEN), instances.get(1).circuits().notClosed());
        assertEquals(Map.of(KEY, CircuitBreaker.State.OPEN), instances.get(0).circuits().notClosedOpenedHere());
        assertEquals(Map.of(), instances.get(1).circuits().notClosedOpenedHere());
        assertEquals(false, request(1), "refused by the circuit instance a opened");
        assertEquals(5, calls.size());
    }
}
