package io.tokenbroker.adapters.redis;

import io.lettuce.core.ScriptOutputType;
import io.tokenbroker.application.port.out.RateLimits;
import io.tokenbroker.domain.apikey.Admission;
import io.tokenbroker.domain.apikey.RateLimit;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Fixed windows (aligned to the epoch, so every instance agrees on them) whose budget lives in Redis, admitted from
 * memory: each instance leases the budget in chunks ({@code INCRBY} of one counter per bucket and window) on a
 * background thread while it still has allowance left, so no request waits for Redis. Until a lease answers, an
 * instance may admit up to one chunk on credit; confirmed leases never exceed the limit, so across N instances a
 * window admits at most {@code limit + N × chunk}, with {@code chunk = min(limit, max(100, limit / 1000))}. When a
 * lease fails (Redis down) the bucket falls back to a local limit of {@code limit} for the rest of the window: rate
 * limiting protects the broker, it must not take it down with Redis.
 */
final class RedisRateLimits implements RateLimits {

    /** The smallest lease: with the default 60,000 a minute, one Redis call per 100 requests per instance. */
    static final long MIN_CHUNK = 100;
    /** Larger limits lease a thousandth at a time, so the credit grows with the rate a limit allows. */
    static final long CHUNKS_PER_LIMIT = 1000;

    private static final String LEASE = """
            local count = redis.call('INCRBY', KEYS[1], ARGV[1])
            if count == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            return count""";

    private final RedisCalls redis;
    private final String prefix;
    private final Clock clock;
    private final Executor leases;
    private final ConcurrentMap<String, Allowance> allowances = new ConcurrentHashMap<>();

    RedisRateLimits(RedisCalls redis, String keyPrefix, Clock clock) {
        this.redis = redis;
        this.prefix = keyPrefix + ":rl:";
        this.clock = clock;
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "rate-limit-leases");
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        this.leases = executor;
    }

    /**
     * A fixed 100 was too little credit for a high limit: one key sending 10,000 requests a second under a limit of
     * a billion a minute used a chunk every 10 ms, and whenever a lease took longer than that (a busy machine, the
     * first lease of every window) it was refused although far below its limit. A thousandth of the limit keeps the
     * over-admission bound at 0.1 % of the limit per instance (or 100, whichever is larger).
     */
    static long chunk(RateLimit limit) {
        return Math.min(limit.requests(), Math.max(MIN_CHUNK, limit.requests() / CHUNKS_PER_LIMIT));
    }

    @Override
    public Admission admit(String bucket, RateLimit limit) {
        long now = clock.millis();
        long windowMillis = limit.window().toMillis();
        long window = now / windowMillis;
        Duration reset = Duration.ofMillis((window + 1) * windowMillis - now);
        Allowance allowance = allowances.compute(bucket, (k, current) -> current == null || current.window != window
                ? new Allowance(window, limit.requests(), chunk(limit)) : current);
        if (allowances.size() > 100_000) {
            allowances.values().removeIf(stale -> stale.window < window);
        }
        Allowance.Taken taken = allowance.take();
        if (taken.lease()) {
            lease(bucket, allowance, windowMillis);
        }
        return new Admission(taken.allowed(), limit.requests(), taken.remaining(), reset);
    }

    private void lease(String bucket, Allowance allowance, long windowMillis) {
        leases.execute(() -> {
            String key = prefix + bucket + ":" + allowance.window;
            boolean again;
            try {
                Long count = redis.eval("rate limit lease", LEASE, ScriptOutputType.INTEGER, new String[] {key},
                        Long.toString(allowance.chunk), Long.toString(2 * windowMillis));
                again = allowance.leased(count);
            } catch (RedisUnavailableException down) {
                again = allowance.failed();
            }
            if (again) {
                lease(bucket, allowance, windowMillis);
            }
        });
    }
}
