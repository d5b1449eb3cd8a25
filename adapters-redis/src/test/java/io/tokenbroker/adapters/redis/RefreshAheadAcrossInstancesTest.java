package io.tokenbroker.adapters.redis;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.adapters.redis.RedisEvents.Type;
import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryReauthorisations;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryTokenIssuer;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.out.ProactiveRefreshOutcomes;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.application.port.out.TokenRequestOutcomes.Outcome;
import io.tokenbroker.application.service.GetAccessTokenService;
import io.tokenbroker.application.service.LeaseSettings;
import io.tokenbroker.application.service.ProactiveRefreshService;
import io.tokenbroker.application.service.ProactiveRefreshSettings;
import io.tokenbroker.application.service.RefreshDueConnectionsService;
import io.tokenbroker.application.service.ScheduleOffers;
import io.tokenbroker.application.testing.ResilienceTestData;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.application.testing.VirtualPause;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ReconnectWarning;
import io.tokenbroker.domain.resilience.Backoff;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Refresh-ahead of short tokens by three instances over one Redis (schedule, leases, token store and near caches all
 * real), on a stepped clock: paced callers on every instance never find their connection's token outside its
 * servable window, over several renewals, although the instances look for due work less often than the margin
 * between a token's refresh-ahead point and the end of its window. 20 s tokens are servable for 10 s and renewed
 * at 8 s; the instances tick together every 4 s, as instances started by one deploy do.
 */
class RefreshAheadAcrossInstancesTest {

    private static final RefreshPolicy POLICY = RefreshPolicy.defaults();
    private static final Duration LIFETIME = Duration.ofSeconds(20);
    private static final Duration TICK = Duration.ofSeconds(4);
    private static final Duration STEP = Duration.ofMillis(250);
    private static final List<ConnectionKey> KEYS = List.of(ConnectionKey.of("paced", "c1"),
            ConnectionKey.of("paced", "c2"), ConnectionKey.of("paced", "c3"));

    private static EmbeddedRedis redis;
    private RedisFixture fixture;
    // Off the tick on purpose: the tokens fetched at the start fall due 100 ms after a tick.
    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00.100Z"));
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer upstream = new InMemoryTokenIssuer(clock, LIFETIME);
    private final Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    private final List<Instance> instances = new ArrayList<>();

    /** One broker's token path and refresh-ahead over its own Redis adapters, and the stores it has heard of. */
    private final class Instance {
        private final ProactiveRefreshService serving;
        private final RefreshDueConnectionsService due;
        private final StoredHeard heard = new StoredHeard();

        Instance(String id, Duration lookAhead) {
            RedisAdapters redisAdapters = fixture.adapters(clock, id);
            redisAdapters.events().addListener(event -> {
                if (event.type() == Type.STORED) {
                    heard.one();
                }
            });
            InMemoryConnectionEvents events = new InMemoryConnectionEvents(1000);
            GetAccessTokenService core = new GetAccessTokenService(new GetAccessTokenService.Ports(
                    redisAdapters.tokenStore(), connections, upstream, redisAdapters.lockManager(),
                    new InMemoryRefreshLog(1000), new InMemoryReauthorisations(), events, counted()),
                    new GetAccessTokenService.Settings(POLICY, new LeaseSettings(Duration.ofSeconds(10),
                            Duration.ofSeconds(5)), ResilienceTestData.noRetries()), clock, new VirtualPause(clock));
            ScheduleOffers offers = new ScheduleOffers(redisAdapters.refreshSchedule(), POLICY, clock);
            serving = new ProactiveRefreshService(core, core, offers);
            ProactiveRefreshSettings settings = new ProactiveRefreshSettings(Duration.ofHours(24), 4,
                    new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5), RandomGenerator.getDefault()),
                    Duration.ofMinutes(2), Duration.ofDays(1), lookAhead);
            due = new RefreshDueConnectionsService(new RefreshDueConnectionsService.Ports(core,
                    redisAdapters.refreshSchedule(), redisAdapters.tokenStore(), connections, events,
                    ProactiveRefreshOutcomes.ignore()), offers, POLICY, settings, ReconnectWarning.NONE, clock,
                    new VirtualPause(clock), Runnable::run);
        }
    }

    private TokenRequestOutcomes counted() {
        return outcome -> {
            synchronized (outcomes) {
                outcomes.merge(outcome, 1, Integer::sum);
            }
        };
    }

    @BeforeAll
    static void startRedis() {
        redis = EmbeddedRedis.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void connect() {
        fixture = new RedisFixture(redis);
        fixture.flushAll();
        KEYS.forEach(key -> connections.save(aConnection().withKey(key).build()));
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    @Test
    void pacedCallersOnThreeInstancesNeverWaitForTheUpstreamWhenTheTickIsLongerThanTheMargin() throws Exception {
        for (String id : List.of("a1", "a2", "a3")) {
            instances.add(new Instance(id, TICK.plus(TICK.dividedBy(2))));
        }
        KEYS.forEach(key -> instances.get(0).serving.get(new GetAccessToken.Query(key, Duration.ZERO)));
        awaitEveryInstanceHeard(KEYS.size());
        synchronized (outcomes) {
            outcomes.clear();
        }

        runPacedFor(Duration.ofSeconds(60));

        synchronized (outcomes) {
            assertEquals(0, outcomes.getOrDefault(Outcome.MISS, 0), "requests that found no servable token: "
                    + outcomes);
            assertTrue(outcomes.getOrDefault(Outcome.NEAR_CACHE_HIT, 0) > 0, outcomes.toString());
        }
        // Renewed every 8 s: at least six times each in a minute, all of them in the background.
        assertTrue(upstream.calls() >= KEYS.size() * 7, "upstream calls: " + upstream.calls());
    }

    /**
     * Every step each instance serves each connection once; at each tick (4 s after the clock's whole second, off
     * the callers' steps) every instance looks for due work, and the next callers come once every instance has heard
     * of the tokens stored (in production a pub/sub hop, well inside the two seconds between the refresh-ahead point
     * and the end of the window). A worker waiting for a due time moves the clock itself; the steps then catch up.
     */
    private void runPacedFor(Duration length) throws InterruptedException {
        Instant end = clock.instant().plus(length);
        Instant nextCall = clock.instant();
        Instant nextTick = Instant.parse("2030-01-01T00:00:00Z").plus(TICK);
        while (clock.instant().isBefore(end)) {
            if (nextTick.isBefore(nextCall)) {
                moveTo(nextTick);
                instances.forEach(instance -> instance.due.refreshDue());
                awaitEveryInstanceHeard(upstream.calls());
                nextTick = nextTick.plus(TICK);
            } else {
                moveTo(nextCall);
                for (Instance instance : instances) {
                    KEYS.forEach(key -> instance.serving.get(new GetAccessToken.Query(key, Duration.ZERO)));
                }
                nextCall = nextCall.plus(STEP);
            }
        }
    }

    private void moveTo(Instant instant) {
        if (instant.isAfter(clock.instant())) {
            clock.advance(Duration.between(clock.instant(), instant));
        }
    }

    private void awaitEveryInstanceHeard(int stores) throws InterruptedException {
        for (Instance instance : instances) {
            assertTrue(instance.heard.await(stores), "an instance never heard of every stored token");
        }
    }
}
