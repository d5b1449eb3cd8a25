package io.tokenbroker.adapters.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.contract.RateLimitsContract;
import io.tokenbroker.application.port.out.RateLimits;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.apikey.RateLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Shared rate-limit budgets against a real Redis, leased in chunks by each instance. */
class RedisRateLimitsTest extends RateLimitsContract {

    @RegisterExtension
    static final RedisPerClass REDIS = new RedisPerClass();
    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private RedisFixture fixture;

    @Override
    protected RateLimits newRateLimits() {
        fixture = REDIS.freshFixture();
        return fixture.adapters(clock, "test").rateLimits();
    }

    /** Windows are aligned to the clock and named by it in Redis: moving the clock starts the next one. */
    @Override
    protected void endCurrentWindows(Duration window) {
        clock.advance(window);
    }

    @Test
    void instancesSharingOneRedisAdmitAtMostTheLimitPlusOneChunkEach() throws Exception {
        int instances = 3;
        RateLimit limit = new RateLimit(1_000, Duration.ofMinutes(1));
        List<RateLimits> brokers = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            brokers.add(fixture.adapters(clock, "instance-" + i).rateLimits());
        }
        ExecutorService callers = Executors.newFixedThreadPool(instances);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> admitted = new ArrayList<>();
        try {
            for (RateLimits broker : brokers) {
                admitted.add(callers.submit(() -> {
                    start.await();
                    int allowed = 0;
                    for (int n = 0; n < 3 * limit.requests(); n++) {
                        allowed += broker.admit("key:shared", limit).allowed() ? 1 : 0;
                    }
                    return allowed;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> each : admitted) {
                total += each.get();
            }

            long bound = limit.requests() + instances * RedisRateLimits.chunk(limit);
            assertTrue(total <= bound, total + " admitted, bound " + bound);
            assertTrue(total > 0);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void theCreditGrowsWithTheLimitSoAFastCallerFarBelowAHighLimitIsNotRefusedWhileItsLeaseIsOnItsWay() {
        RateLimit high = new RateLimit(1_000_000_000, Duration.ofMinutes(1));
        assertEquals(1_000_000, RedisRateLimits.chunk(high));
        assertEquals(100, RedisRateLimits.chunk(new RateLimit(60_000, Duration.ofMinutes(1))));
        assertEquals(40, RedisRateLimits.chunk(new RateLimit(40, Duration.ofMinutes(1))));
        RateLimits broker = fixture.adapters(clock, "fast").rateLimits();
        // Faster than any lease can answer: everything here is admitted on the credit of the first chunk.
        for (int n = 0; n < 10_000; n++) {
            assertTrue(broker.admit("key:fast", high).allowed(), "refused request " + n);
        }
    }
}
