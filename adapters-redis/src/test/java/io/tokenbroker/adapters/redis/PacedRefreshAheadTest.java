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
import io.tokenbroker.application.port.in.GetAccessToken.Query;
import io.tokenbroker.application.port.out.ProactiveRefreshOutcomes;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.application.service.GetAccessTokenService;
import io.tokenbroker.application.service.LeaseSettings;
import io.tokenbroker.application.service.ProactiveRefreshService;
import io.tokenbroker.application.service.ProactiveRefreshSettings;
import io.tokenbroker.application.service.RefreshDueConnectionsService;
import io.tokenbroker.application.service.ScheduleOffers;
import io.tokenbroker.application.testing.ResilienceTestData;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ReconnectWarning;
import io.tokenbroker.domain.resilience.Backoff;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Refresh-ahead in the shape of the paced benchmark row, on a stepped clock: 20 connections whose tokens all fall due
 * within a few hundred milliseconds (fetched together), three instances over one Redis, each with the default four
 * refresh slots, a 1 s tick at its own phase and a look-ahead of a tick and a half, and an upstream that answers in
 * 300 ms. Paced callers on every instance must never find their connection's token outside its servable window (a
 * miss is a caller that waits for an upstream call); a failure lists the misses with the age of the token the
 * instance held. Refreshes run on real threads and overlap as they do in production; only the clock is the test's.
 */
class PacedRefreshAheadTest {

    private static final RefreshPolicy POLICY = RefreshPolicy.defaults();
    private static final Duration LIFETIME = Duration.ofSeconds(20);
    private static final Duration UPSTREAM = Duration.ofMillis(300);
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final Duration STEP = Duration.ofMillis(250);
    private static final int SLOTS = 4;
    private static final List<ConnectionKey> KEYS = IntStream.rangeClosed(1, 20)
            .mapToObj(i -> ConnectionKey.of("paced", "c" + i)).toList();
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    @RegisterExtension
    static final RedisPerClass REDIS = new RedisPerClass();
    private RedisFixture fixture;
    private final TestClock clock = TestClock.at(START);
    private final SteppedTime time = new SteppedTime(clock);
    private final InMemoryConnections connections = new InMemoryConnections();
    private final InMemoryTokenIssuer issuer = new InMemoryTokenIssuer(clock, LIFETIME);
    /** Takes the upstream's latency on the stepped clock; the token is issued when the answer comes. */
    private final TokenIssuer upstream = connection -> {
        try {
            time.pause(UPSTREAM);
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("stopped while calling the upstream", stopped);
        }
        return issuer.issue(connection);
    };
    private final List<ExecutorService> pools = new ArrayList<>();
    private final List<Instance> instances = new ArrayList<>();
    private final List<String> misses = new CopyOnWriteArrayList<>();

    /** One broker: token path and refresh-ahead over its own Redis adapters, its ticks at its own phase. */
    private final class Instance {
        private final String id;
        private final TokenStore store;
        private final ProactiveRefreshService serving;
        private final RefreshDueConnectionsService due;
        private final StoredHeard heard = new StoredHeard();
        private Instant nextTick;

        Instance(String id, Duration phase) {
            this.id = id;
            this.nextTick = START.plus(phase);
            RedisAdapters adapters = fixture.adapters(clock, id);
            adapters.events().addListener(event -> {
                if (event.type() == Type.STORED) {
                    heard.one();
                }
            });
            store = adapters.tokenStore();
            InMemoryConnectionEvents events = new InMemoryConnectionEvents(1000);
            GetAccessTokenService core = new GetAccessTokenService(new GetAccessTokenService.Ports(store, connections,
                    upstream, adapters.lockManager(), new InMemoryRefreshLog(1000), new InMemoryReauthorisations(),
                    events, TokenRequestOutcomes.ignore()),
                    new GetAccessTokenService.Settings(POLICY, new LeaseSettings(Duration.ofSeconds(10),
                            Duration.ofSeconds(5)), ResilienceTestData.noRetries()), clock, time);
            // Written off the caller's thread as in production: a hit read from Redis completes on Lettuce's thread,
            // which must not wait for Redis itself.
            ExecutorService writer = Executors.newSingleThreadExecutor();
            pools.add(writer);
            ScheduleOffers offers = new ScheduleOffers(adapters.refreshSchedule(), POLICY, clock,
                    time.tracked(writer));
            serving = new ProactiveRefreshService(core, core, offers);
            ProactiveRefreshSettings settings = new ProactiveRefreshSettings(Duration.ofHours(24), SLOTS,
                    new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5), RandomGenerator.getDefault()),
                    Duration.ofMinutes(2), Duration.ofDays(1), TICK.plus(TICK.dividedBy(2)));
            ExecutorService pool = Executors.newFixedThreadPool(SLOTS);
            pools.add(pool);
            due = new RefreshDueConnectionsService(new RefreshDueConnectionsService.Ports(core,
                    adapters.refreshSchedule(), store, connections, events, ProactiveRefreshOutcomes.ignore()), offers,
                    POLICY, settings, ReconnectWarning.NONE, clock, time, time.tracked(pool));
        }

        /** A caller of the hit path: a token that is not servable is noted as a miss, never fetched here. */
        void call(ConnectionKey key) throws Exception {
            Optional<?> hit = serving.getWithoutBlocking(new Query(key)).toCompletableFuture().get(20, TimeUnit.SECONDS);
            if (hit.isEmpty()) {
                Instant now = clock.instant();
                String held = store.lookupInMemory(key).map(found -> "a token " + Duration.between(
                        found.token().issuedAt(), now).toMillis() + " ms old").orElse("no token");
                misses.add("+" + Duration.between(START, now).toMillis() + " ms " + key + " on " + id + ", held " + held);
            }
        }
    }

    @BeforeEach
    void connect() {
        fixture = REDIS.freshFixture();
        KEYS.forEach(key -> connections.save(aConnection().withKey(key).build()));
    }

    /** Before the extension closes the adapters: no worker may still be using them. */
    @AfterEach
    void stopWorkers() throws Exception {
        pools.forEach(ExecutorService::shutdownNow);
        for (ExecutorService pool : pools) {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "tick phases {0} ms")
    @ValueSource(strings = {"0,0,0", "0,333,667", "900,100,500", "250,250,750"})
    void pacedCallersOnThreeInstancesNeverWaitForTheUpstream(String phases) throws Exception {
        for (String phase : phases.split(",")) {
            instances.add(new Instance("a" + (instances.size() + 1), Duration.ofMillis(Long.parseLong(phase))));
        }
        fetchEveryTokenAtOnce();

        runPacedFor(Duration.ofSeconds(60));

        assertEquals(List.of(), misses.stream().limit(40).toList(), misses.size() + " callers found no servable token");
        // Renewed every 8.3 s in the background: at least six more times each in a minute.
        assertTrue(issuer.calls() >= KEYS.size() * 7, "upstream calls: " + issuer.calls());
    }

    /** As the benchmark's warm-up: every connection fetched concurrently on one instance, so all fall due together. */
    private void fetchEveryTokenAtOnce() throws Exception {
        ExecutorService callers = Executors.newCachedThreadPool();
        pools.add(callers);
        KEYS.forEach(key -> time.tracked(callers).execute(() -> instances.get(0).serving.get(new Query(key))));
        settle();
        time.advanceTo(clock.instant().plus(UPSTREAM));
        settle();
        assertEquals(KEYS.size(), issuer.calls(), "one upstream call per connection to start with");
    }

    /**
     * Every step each instance serves each connection once; each instance looks for due work at its own ticks. Before
     * anything is served the workers released by the clock's move have finished or are pausing again, and every
     * instance has heard of every token stored (a pub/sub hop in production, far inside any margin here).
     */
    private void runPacedFor(Duration length) throws Exception {
        Instant end = clock.instant().plus(length);
        Instant nextCall = clock.instant();
        while (clock.instant().isBefore(end)) {
            Instant nextTick = instances.stream().map(instance -> instance.nextTick).min(Instant::compareTo)
                    .orElseThrow();
            Instant next = nextTick.isBefore(nextCall) ? nextTick : nextCall;
            time.advanceTo(next);
            settle();
            for (Instance instance : instances) {
                if (!instance.nextTick.isAfter(next)) {
                    instance.due.refreshDue();
                    instance.nextTick = instance.nextTick.plus(TICK);
                }
            }
            settle();
            if (!nextCall.isAfter(next)) {
                for (Instance instance : instances) {
                    for (ConnectionKey key : KEYS) {
                        instance.call(key);
                    }
                }
                nextCall = nextCall.plus(STEP);
            }
        }
    }

    private void settle() throws InterruptedException {
        assertTrue(time.awaitQuiet(), "the refresh workers never settled");
        for (Instance instance : instances) {
            assertTrue(instance.heard.await(issuer.calls()), instance.id + " never heard of every stored token");
        }
    }
}
