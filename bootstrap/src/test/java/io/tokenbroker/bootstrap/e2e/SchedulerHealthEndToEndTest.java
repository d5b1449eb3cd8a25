package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.tokenbroker.application.port.in.RefreshDueConnections;
import io.tokenbroker.application.testing.TestClock;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's health indicator on a clock the test moves: a ticker that stops running turns liveness (and the
 * overall /health) DOWN, never readiness, and one tick brings it back. The 1 h tick keeps the real timer out of the
 * test (its first tick comes one period after start), so only the test ticks.
 */
@MicronautTest
@Property(name = "tokenbroker.scheduler.ticker.enabled", value = "true")
@Property(name = "tokenbroker.scheduler.tick", value = "1h")
@Property(name = "tokenbroker.scheduler.look-ahead", value = "0s")
@Property(name = "tokenbroker.test.scheduler-health", value = "true")
class SchedulerHealthEndToEndTest {

    private static final TestClock CLOCK = TestClock.at(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    /** Ten ticks of 1 h. */
    private static final Duration STALE_AFTER = Duration.ofHours(10);

    @Inject
    EmbeddedServer server;
    @Inject
    RefreshDueConnections scheduler;
    @Inject
    JsonMapper json;

    @Test
    void aTickerThatStopsTurnsLivenessDownButNeverReadinessAndATickBringsItBack() {
        BrokerClient anonymous = new BrokerClient(server.getURI(), null);
        BrokerClient admin = new BrokerClient(server.getURI());
        assertStatus(anonymous, "/health", 200, "UP");
        assertStatus(anonymous, "/health/liveness", 200, "UP");
        assertStatus(anonymous, "/health/readiness", 200, "UP");

        CLOCK.advance(STALE_AFTER);
        assertStatus(anonymous, "/health/liveness", 200, "UP");
        CLOCK.advance(Duration.ofSeconds(1));

        assertStatus(anonymous, "/health", 503, "DOWN");
        assertStatus(anonymous, "/health/liveness", 503, "DOWN");
        assertStatus(anonymous, "/health/readiness", 200, "UP");
        Map<String, Object> component = scheduler(admin.get("/health/liveness"));
        assertEquals("DOWN", component.get("status"));
        assertEquals(Map.of("scheduled", 0, "in_flight", 0, "last_tick", CLOCK.instant().minus(STALE_AFTER)
                .minusSeconds(1).toString(), "stale_after", "PT10H"), component.get("details"));

        scheduler.refreshDue();

        assertStatus(anonymous, "/health", 200, "UP");
        assertStatus(anonymous, "/health/liveness", 200, "UP");
        Map<String, Object> ticked = scheduler(admin.get("/health"));
        assertEquals("UP", ticked.get("status"));
        assertEquals(CLOCK.instant().toString(), ((Map<?, ?>) ticked.get("details")).get("last_tick"));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> scheduler(HttpResponse<String> health) {
        try {
            Map<String, Object> body = json.readValue(health.body(), Map.class);
            return (Map<String, Object>) ((Map<String, Object>) body.get("details")).get("scheduler");
        } catch (IOException notJson) {
            throw new AssertionError("not JSON: " + health.body(), notJson);
        }
    }

    private static void assertStatus(BrokerClient client, String path, int status, String health) {
        HttpResponse<String> response = client.get(path);
        assertEquals(status, response.statusCode(), path + ": " + response.body());
        assertTrue(response.body().contains("\"status\":\"" + health + "\""), path + ": " + response.body());
    }

    /** The clock only this test moves; guarded by its property so other tests' contexts keep the real one. */
    @Factory
    @Requires(property = "tokenbroker.test.scheduler-health", value = "true")
    static class TestBeans {

        @Singleton
        @Replaces(Clock.class)
        Clock clock() {
            return CLOCK;
        }
    }
}
