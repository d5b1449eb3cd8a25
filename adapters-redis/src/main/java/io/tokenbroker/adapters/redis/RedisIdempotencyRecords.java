package io.tokenbroker.adapters.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.tokenbroker.application.port.out.IdempotencyRecords;
import java.time.Duration;
import java.util.Optional;

/**
 * Idempotency records shared by every instance: the claim is one {@code SET NX PX} in a script that returns the
 * existing record when there is one, so two instances racing with the same key cannot both run the request. A
 * record is {@code fingerprint}, or {@code fingerprint \n status \n body} once answered. When Redis is down the
 * request runs (replay protection is lost for the outage, requests are not).
 */
final class RedisIdempotencyRecords implements IdempotencyRecords {

    private static final String CLAIM = """
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
            return redis.call('GET', KEYS[1])""";

    private final RedisCalls redis;
    private final String prefix;

    RedisIdempotencyRecords(RedisCalls redis, String keyPrefix) {
        this.redis = redis;
        this.prefix = keyPrefix + ":";
    }

    @Override
    public Optional<Entry> claim(String key, String requestFingerprint, Duration ttl) {
        String existing;
        try {
            existing = redis.eval("claim idempotency key", CLAIM, ScriptOutputType.VALUE, new String[] {prefix + key},
                    requestFingerprint, Long.toString(Math.max(1, ttl.toMillis())));
        } catch (RedisUnavailableException down) {
            return Optional.empty();
        }
        return Optional.ofNullable(existing).map(RedisIdempotencyRecords::parse);
    }

    @Override
    public void complete(String key, String requestFingerprint, StoredResponse response, Duration ttl) {
        try {
            redis.call("store idempotent answer", commands -> commands.set(prefix + key,
                    requestFingerprint + "\n" + response.status() + "\n" + response.body(),
                    SetArgs.Builder.px(Math.max(1, ttl.toMillis()))));
        } catch (RedisUnavailableException down) {
            // The answer went out; only its replay is lost.
        }
    }

    @Override
    public void release(String key) {
        try {
            redis.call("release idempotency key", commands -> commands.del(prefix + key));
        } catch (RedisUnavailableException down) {
            // The claim expires with its window.
        }
    }

    private static Entry parse(String record) {
        int first = record.indexOf('\n');
        if (first < 0) {
            return new Entry(record, Optional.empty());
        }
        int second = record.indexOf('\n', first + 1);
        return new Entry(record.substring(0, first), Optional.of(new StoredResponse(
                Integer.parseInt(record.substring(first + 1, second)), record.substring(second + 1))));
    }
}
