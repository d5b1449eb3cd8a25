package io.tokenbroker.adapters.redis;

import io.lettuce.core.ScriptOutputType;
import io.tokenbroker.application.port.out.RateLimits;
import io.tokenbroker.domain.apikey.RateLimit;
import java.time.Duration;
import java.util.List;

/**
 * Fixed-window counters shared by every instance: one Lua script per request (INCR, set the expiry on the first
 * hit, read the remaining time), so counting and reading are atomic and cost one round trip. When Redis is down the
 * request is admitted: rate limiting protects the broker, it must not take it down with Redis.
 */
final class RedisRateLimits implements RateLimits {

    private static final String ADMIT = """
            local count = redis.call('INCR', KEYS[1])
            if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
            return {count, ttl}""";

    private final RedisCalls redis;
    private final String prefix;

    RedisRateLimits(RedisCalls redis, String keyPrefix) {
        this.redis = redis;
        this.prefix = keyPrefix + ":rl:";
    }

    @Override
    public Admission admit(String bucket, RateLimit limit) {
        List<Object> result;
        try {
            result = redis.eval("rate limit", ADMIT, ScriptOutputType.MULTI, new String[] {prefix + bucket},
                    Long.toString(limit.window().toMillis()));
        } catch (RedisUnavailableException down) {
            return new Admission(true, limit.requests(), limit.requests(), limit.window());
        }
        long count = (Long) result.get(0);
        Duration reset = Duration.ofMillis((Long) result.get(1));
        return new Admission(count <= limit.requests(), limit.requests(), Math.max(0, limit.requests() - count), reset);
    }
}
