package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.application.inmemory.InMemoryRefreshSchedule;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.port.in.RefreshDueConnections;
import io.tokenbroker.application.testing.TestClock;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole broker with refresh-ahead on: the clock is moved by the test and due work runs on the caller's thread,
 * so the test decides when time passes and when the scheduler looks, and never waits for either.
 */
@MicronautTest
@Property(name = "tokenbroker.scheduler.tick", value = "1h")
@Property(name = "tokenbroker.scheduler.look-ahead", value = "0s")
@Property(name = "tokenbroker.test.movable-clock", value = "true")
@Property(name = "tokenbroker.upstream.resilience.min-interval", value = "0s")
class ProactiveRefreshEndToEndTest {

    // Fixed, and off the millisecond on purpose: the schedule rounds due times up to it, which the lag shows.
    private static final TestClock CLOCK = TestClock.at(Instant.parse("2030-01-01T00:00:00.000400Z"));

    @Inject
    EmbeddedServer server;
    @Inject
    RefreshDueConnections scheduler;
    @Inject
    RefreshSchedule schedule;

    private BrokerClient admin;
    private SandboxUpstream upstream;

    @BeforeEach
    void start() throws IOException {
        admin = new BrokerClient(server.getURI());
        upstream = SandboxUpstream.start(0, "ahead-client", "ahead-secret", Duration.ofSeconds(600));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void aTokenIsRenewedAheadOfNeedSoTheNextCallerGetsANewOneWithoutAnUpstreamWait() {
        admin.put("/v1/tenants/ahead/connections/crm", "{\"provider\":\"oauth2\",\"token_url\":\""
                + upstream.tokenUrl() + "\",\"client_id\":\"ahead-client\",\"client_secret\":\"ahead-secret\"}");
        String first = token();

        CLOCK.advance(Duration.ofSeconds(431));
        assertEquals(0, scheduler.refreshDue(), "before 0.8 of the 540 s servable window (600 s less the 60 s buffer) nothing is due");
        CLOCK.advance(Duration.ofSeconds(2));
        assertEquals(1, scheduler.refreshDue());

        assertEquals(2, upstream.tokenRequests(), "renewed in the background");
        String second = token();
        assertNotEquals(first, second);
        assertEquals(2, upstream.tokenRequests(), "the caller was served from the cache");
        Map<String, Object> log = body(admin.get("/v1/tenants/ahead/connections/crm/refresh-log?limit=1"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) log.get("attempts");
        assertEquals("proactive", rows.get(0).get("trigger"));
        assertEquals("healthy", body(admin.get("/v1/tenants/ahead/connections/crm/status")).get("health"));
        String metrics = admin.get("/prometheus").body();
        for (String expected : List.of("tokenbroker_scheduler_scheduled 1.0",
                "tokenbroker_scheduler_in_flight 0.0",
                "tokenbroker_scheduler_refreshes_total{outcome=\"refreshed\"} 1.0",
                "tokenbroker_scheduler_refreshes_total{outcome=\"failed\"} 0.0",
                // Claimed a second after its refresh-ahead point less the 0.6 ms its due time was rounded up by.
                "tokenbroker_scheduler_lag_seconds_count 1\n",
                "tokenbroker_scheduler_lag_seconds_sum 0.9994\n",
                "tokenbroker_scheduler_lag_seconds_bucket{le=\"1.0\"} 1")) {
            assertTrue(metrics.contains(expected), "missing " + expected + " in "
                    + metrics.lines().filter(line -> line.startsWith("tokenbroker_scheduler")).toList());
        }
    }

    @Test
    void withoutRedisTheScheduleIsThisProcesssOwn() {
        assertInstanceOf(InMemoryRefreshSchedule.class, schedule);
    }

    private String token() {
        HttpResponse<String> response = admin.get("/v1/tenants/ahead/connections/crm/token");
        assertEquals(200, response.statusCode(), response.body());
        return (String) body(response).get("access_token");
    }

    /**
     * Test-only beans: the movable clock and an executor that runs each refresh on the caller's thread. Guarded by a
     * property of this test: contexts other tests start themselves would otherwise pick this factory up too.
     */
    @Factory
    @Requires(property = "tokenbroker.test.movable-clock", value = "true")
    static class TestBeans {

        @Singleton
        @Replaces(Clock.class)
        Clock clock() {
            return CLOCK;
        }

        @Singleton
        @Named("proactive-refresh")
        @Replaces(value = ExecutorService.class, named = "proactive-refresh")
        ExecutorService inline() {
            return new AbstractExecutorService() {
                private volatile boolean shutdown;

                @Override
                public void execute(Runnable command) {
                    command.run();
                }

                @Override
                public void shutdown() {
                    shutdown = true;
                }

                @Override
                public List<Runnable> shutdownNow() {
                    shutdown = true;
                    return List.of();
                }

                @Override
                public boolean isShutdown() {
                    return shutdown;
                }

                @Override
                public boolean isTerminated() {
                    return shutdown;
                }

                @Override
                public boolean awaitTermination(long timeout, TimeUnit unit) {
                    return true;
                }
            };
        }
    }
}
