package io.tokenbroker.bootstrap.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import io.tokenbroker.application.port.in.RefreshDueConnections;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.bootstrap.config.SchedulerConfiguration;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

/**
 * Two {@code /health} requests checking the scheduler at once each get the status their own check computed, with
 * their own details. The first check is held, after it has seen its ticker status, inside the schedule's count (a
 * latch in the fake schedule) while the second check runs to the end with the opposite status; then the first is let
 * go. The timeout only keeps a broken run from hanging the build: the order comes from latches alone.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class SchedulerHealthIndicatorTest {

    private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
    private static final SchedulerConfiguration CONFIGURATION = new SchedulerConfiguration(true,
            Duration.ofSeconds(1), Duration.ofHours(24), 4, Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(2), Duration.ofDays(1), null);
    /** Longer ago than {@link SchedulerConfiguration#staleAfter()} (one minute at a 1 s tick): stuck. */
    private static final Instant STUCK = NOW.minus(Duration.ofMinutes(5));

    private final ExecutorService blocking = Executors.newFixedThreadPool(2);
    private final QueuedStatuses scheduler = new QueuedStatuses();
    private final FirstCountHeld schedule = new FirstCountHeld();

    @AfterEach
    void stopThreads() {
        blocking.shutdownNow();
    }

    @Test
    void aStuckCheckOverlappedByAHealthyOneStaysDown() {
        List<HealthResult> results = overlapped(STUCK, NOW);

        assertComponent(results.get(0), HealthStatus.DOWN, STUCK);
        assertComponent(results.get(1), HealthStatus.UP, NOW);
    }

    @Test
    void aHealthyCheckOverlappedByAStuckOneStaysUp() {
        List<HealthResult> results = overlapped(NOW, STUCK);

        assertComponent(results.get(0), HealthStatus.UP, NOW);
        assertComponent(results.get(1), HealthStatus.DOWN, STUCK);
    }

    /** The first check sees {@code firstTick} and is held until the second, seeing {@code secondTick}, is done. */
    private List<HealthResult> overlapped(Instant firstTick, Instant secondTick) {
        scheduler.statuses.add(new RefreshDueConnections.Status(0, firstTick, Optional.empty()));
        scheduler.statuses.add(new RefreshDueConnections.Status(0, secondTick, Optional.empty()));
        SchedulerHealthIndicator indicator = indicator();

        CompletableFuture<HealthResult> first = Mono.from(indicator.getResult()).toFuture();
        await(schedule.firstHeld);
        HealthResult second = Mono.from(indicator.getResult()).block();
        schedule.releaseFirst.countDown();
        return List.of(first.join(), second);
    }

    private SchedulerHealthIndicator indicator() {
        return new SchedulerHealthIndicator(scheduler, schedule, Clock.fixed(NOW, ZoneOffset.UTC), CONFIGURATION,
                blocking);
    }

    private static void assertComponent(HealthResult result, HealthStatus status, Instant lastTick) {
        assertEquals(Map.of("scheduled", 0, "in_flight", 0, "last_tick", lastTick.toString(), "stale_after", "PT1M"),
                result.getDetails(), "details");
        assertEquals(status, result.getStatus(), "status of the check whose last tick was " + lastTick);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Hands out the statuses queued by the test, one per check, in the order the checks ask. */
    private static final class QueuedStatuses implements RefreshDueConnections {
        final Queue<Status> statuses = new ConcurrentLinkedQueue<>();

        @Override
        public int refreshDue() {
            throw new UnsupportedOperationException("not ticked here");
        }

        @Override
        public Status status() {
            return statuses.remove();
        }
    }

    /** An empty schedule whose first count waits for the test: the moment between a check's status and its end. */
    private static final class FirstCountHeld implements RefreshSchedule {
        final CountDownLatch firstHeld = new CountDownLatch(1);
        final CountDownLatch releaseFirst = new CountDownLatch(1);
        private final AtomicBoolean counted = new AtomicBoolean();

        @Override
        public int size() {
            if (counted.compareAndSet(false, true)) {
                firstHeld.countDown();
                await(releaseFirst);
            }
            return 0;
        }

        @Override
        public void schedule(Entry entry) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean offer(Entry entry) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Claim> claimDue(Instant now, int max, Instant claimedUntil) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void recordDemand(ConnectionKey key, Instant at) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void remove(ConnectionKey key) {
            throw new UnsupportedOperationException();
        }
    }
}
