package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tokenbroker.adapters.redis.RedisAdapters;
import io.tokenbroker.application.port.in.RefreshDueConnections;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.service.ScheduleOffers;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.bootstrap.LocalRedis;
import io.tokenbroker.bootstrap.TestKeyRing;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.ConnectionKey;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Phaser;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The acceptance test for the shared schedule: three broker instances (application contexts with their own
 * HTTP server) over one real Redis and one real upstream, 500 connections whose tokens live 30 s, one clock that
 * only the test moves. After a warm-up, time goes through two token lifetimes in steps; at every step callers ask
 * for every connection (each on another instance than the step before) while every instance runs its due work on
 * its own refresh threads, and the step ends when that work is done: waits are for events (the executors falling
 * idle), never for a span of time.
 *
 * <p>Default refresh settings: a 30 s token's buffer is halved to 15 s and it is renewed at 80 % of that servable
 * window, 12 s after issue, so callers racing the refreshes of a step are served the old token or the new one.
 */
class SharedScheduleEndToEndTest {

    private static final int INSTANCES = 3;
    private static final int CONNECTIONS = 500;
    private static final Duration LIFETIME = Duration.ofSeconds(30);
    private static final Duration STEP = Duration.ofSeconds(6);
    private static final Duration REFRESH_AHEAD = Duration.ofSeconds(12);
    private static final String CLIENT_ID = "shared-schedule-client";
    private static final String CLIENT_SECRET = "shared-schedule-secret-never-echoed";
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);
    /** Moved only by the test; every instance reads it. Static: the test beans factory hands it to each context. */
    private static final TestClock CLOCK = TestClock.at(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    private final List<EmbeddedServer> servers = new ArrayList<>();
    private final List<BrokerClient> brokers = new ArrayList<>();
    private final List<ConnectionKey> keys = new ArrayList<>();
    private final ExecutorService callers = Executors.newFixedThreadPool(12);
    private LocalRedis redis;
    private SandboxUpstream upstream;

    @BeforeEach
    void start() throws IOException {
        redis = LocalRedis.start();
        upstream = SandboxUpstream.start(0, CLIENT_ID, CLIENT_SECRET, LIFETIME);
        for (int i = 0; i < CONNECTIONS; i++) {
            keys.add(ConnectionKey.of("tenant-" + (i % 20), "conn-" + i));
        }
        for (int i = 0; i < INSTANCES; i++) {
            EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                    "micronaut.server.port", -1,
                    "redis.uri", redis.uri(),
                    TestKeyRing.PROPERTY, TestKeyRing.KEYS,
                    "tokenbroker.redis.command-timeout", "5s",
                    "tokenbroker.upstream.resilience.min-interval", "0s",
                    // The timer stays out of the way: the test runs due work itself, on every instance at once.
                    "tokenbroker.scheduler.tick", "1h",
                    "tokenbroker.scheduler.look-ahead", "0s",
                    "tokenbroker.test.shared-schedule", true));
            servers.add(server);
            brokers.add(new BrokerClient(server.getURI()));
            // Each instance keeps its connections in memory: every one registers all of them.
            Connections connections = server.getApplicationContext().getBean(Connections.class);
            for (ConnectionKey key : keys) {
                connections.save(aConnection().withKey(key).withTokenUrl(upstream.tokenUrl())
                        .withClientId(CLIENT_ID).withClientSecret(CLIENT_SECRET).build());
            }
        }
    }

    @AfterEach
    void stop() {
        callers.shutdownNow();
        servers.forEach(EmbeddedServer::close);
        upstream.close();
        redis.stop();
    }

    @Test
    void acrossTwoLifetimesEveryTokenIsRefreshedOnceAheadByOneInstanceAndNoCallerWaits() throws Exception {
        for (int instance = 0; instance < INSTANCES; instance++) {
            assertSame(bean(instance, RedisAdapters.class).refreshSchedule(), bean(instance, RefreshSchedule.class),
                    "every instance uses the schedule in Redis");
        }
        Instant warmedAt = CLOCK.instant();
        askEveryConnection(0);
        flushOffers();
        assertEquals(CONNECTIONS, upstream.tokenRequests(), "the warm-up: one miss per connection");
        assertEquals(CONNECTIONS, misses(), "and only those");

        int steps = (int) (LIFETIME.multipliedBy(2).toSeconds() / STEP.toSeconds());
        for (int step = 1; step <= steps; step++) {
            CLOCK.advance(STEP);
            List<CompletableFuture<?>> work = new ArrayList<>();
            for (int instance = 0; instance < INSTANCES; instance++) {
                int which = instance;
                work.add(CompletableFuture.runAsync(() -> runDueWork(which)));
            }
            work.add(CompletableFuture.runAsync(askEveryConnectionOnce(step)));
            CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
            flushOffers();
        }

        // A refresh ahead every 12 s, five in two lifetimes: one per token, by exactly one instance.
        int refreshesAhead = (int) (LIFETIME.multipliedBy(2).toSeconds() / REFRESH_AHEAD.toSeconds());
        List<Instant> expected = new ArrayList<>();
        List<Trigger> expectedTriggers = new ArrayList<>();
        for (int i = 0; i <= refreshesAhead; i++) {
            expected.add(warmedAt.plus(REFRESH_AHEAD.multipliedBy(i)));
            expectedTriggers.add(i == 0 ? Trigger.REQUEST : Trigger.PROACTIVE);
        }
        int[] proactiveByInstance = new int[INSTANCES];
        for (ConnectionKey key : keys) {
            List<RefreshAttempt> attempts = new ArrayList<>();
            for (int instance = 0; instance < INSTANCES; instance++) {
                List<RefreshAttempt> rows = bean(instance, RefreshLog.class).recent(key, 100);
                proactiveByInstance[instance] += (int) rows.stream()
                        .filter(row -> row.trigger() == Trigger.PROACTIVE).count();
                attempts.addAll(rows);
            }
            attempts.sort(Comparator.comparing(RefreshAttempt::startedAt));
            assertEquals(expectedTriggers, attempts.stream().map(RefreshAttempt::trigger).toList(),
                    key + ": " + attempts);
            assertTrue(attempts.stream().allMatch(row -> row.outcome() == Outcome.SUCCESS), key.toString());
            assertEquals(expected, attempts.stream().map(RefreshAttempt::startedAt).toList(),
                    key + ": each at its refresh-ahead point, never twice in one lifetime");
        }
        assertEquals((refreshesAhead + 1L) * CONNECTIONS, upstream.tokenRequests(),
                "no upstream call the log does not show");
        assertEquals(CONNECTIONS, misses(), "zero upstream waits after the warm-up: every later request was a hit");
        int instancesThatRefreshed = 0;
        for (int count : proactiveByInstance) {
            instancesThatRefreshed += count > 0 ? 1 : 0;
        }
        assertTrue(instancesThatRefreshed > 1, "the work was shared: " + Arrays.toString(proactiveByInstance));
        assertEquals(refreshesAhead * CONNECTIONS, Arrays.stream(proactiveByInstance).sum());
    }

    /** Requests offer tokens to the schedule in the background; the next step's due work must see them. */
    private void flushOffers() {
        for (int instance = 0; instance < INSTANCES; instance++) {
            bean(instance, ScheduleOffers.class).flush();
        }
    }

    /** Runs an instance's due work until none is left, waiting for its refresh threads to fall idle each time. */
    private void runDueWork(int instance) {
        RefreshDueConnections scheduler = bean(instance, RefreshDueConnections.class);
        TrackedExecutor executor = bean(instance, RefreshThreads.class).executor();
        while (scheduler.refreshDue() > 0) {
            executor.awaitIdle();
        }
    }

    private Runnable askEveryConnectionOnce(int step) {
        return () -> askEveryConnection(step);
    }

    /** Every connection once, connection i on instance (i + step) mod 3, from a pool of callers. */
    private void askEveryConnection(int step) {
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            ConnectionKey key = keys.get(i);
            BrokerClient broker = brokers.get((i + step) % INSTANCES);
            calls.add(CompletableFuture.runAsync(() -> {
                HttpResponse<String> response = broker.get("/v1/tenants/" + key.tenant().value() + "/connections/"
                        + key.connection().value() + "/token");
                if (response.statusCode() != 200) {
                    throw new AssertionError(key + " at step " + step + ": " + response.statusCode() + " "
                            + response.body());
                }
                Instant expiresAt = Instant.parse((String) body(response).get("expires_at"));
                if (!expiresAt.isAfter(CLOCK.instant())) {
                    throw new AssertionError(key + " was served an expired token at step " + step);
                }
            }, callers));
        }
        try {
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                    .get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        } catch (ExecutionException | TimeoutException failed) {
            throw new AssertionError("callers at step " + step + " failed", failed);
        }
    }

    private long misses() {
        long misses = 0;
        for (int instance = 0; instance < INSTANCES; instance++) {
            Counter counter = bean(instance, MeterRegistry.class).find("tokenbroker.token.requests")
                    .tag("outcome", "miss").counter();
            misses += counter == null ? 0 : (long) counter.count();
        }
        return misses;
    }

    private <T> T bean(int instance, Class<T> type) {
        return servers.get(instance).getApplicationContext().getBean(type);
    }

    /**
     * Test-only beans of every context this test starts: the shared clock, and refresh threads the test can wait on.
     * Guarded by a property of this test, or contexts of other tests would pick them up.
     */
    @Factory
    @Requires(property = "tokenbroker.test.shared-schedule", value = "true")
    static class TestBeans {

        @Singleton
        @Replaces(Clock.class)
        Clock clock() {
            return CLOCK;
        }

        /**
         * Reached through a holder bean: Micronaut's metrics wrap every executor bean, and the test needs the
         * tracker itself.
         */
        @Singleton
        RefreshThreads refreshThreads() {
            return new RefreshThreads(new TrackedExecutor(4));
        }

        @Singleton
        @Named("proactive-refresh")
        @Replaces(value = ExecutorService.class, named = "proactive-refresh")
        ExecutorService trackedRefreshThreads(RefreshThreads threads) {
            return threads.executor();
        }
    }

    /** Holds an instance's tracked refresh executor. */
    record RefreshThreads(TrackedExecutor executor) {
    }

    /** A fixed pool that counts the tasks it runs, so a test can wait until none is left instead of sleeping. */
    static final class TrackedExecutor extends ThreadPoolExecutor {

        // The waiting test is one party; each task registers when handed over and deregisters when done.
        private final Phaser running = new Phaser(1);

        TrackedExecutor(int threads) {
            super(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), new ThreadFactory() {
                private final AtomicInteger count = new AtomicInteger();

                @Override
                public Thread newThread(Runnable runnable) {
                    Thread thread = new Thread(runnable, "tracked-refresh-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }
            });
        }

        @Override
        public void execute(Runnable task) {
            running.register();
            try {
                super.execute(task);
            } catch (RejectedExecutionException shutDown) {
                running.arriveAndDeregister();
                throw shutDown;
            }
        }

        @Override
        protected void afterExecute(Runnable task, Throwable failure) {
            running.arriveAndDeregister();
        }

        /** Returns once every task handed over so far has finished (bounded only as a guard against a hung run). */
        void awaitIdle() {
            try {
                running.awaitAdvanceInterruptibly(running.arrive(), HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(interrupted);
            } catch (TimeoutException hung) {
                throw new AssertionError("refreshes still running after " + HANG_GUARD, hung);
            }
        }
    }
}
