package io.tokenbroker.adapters.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.tokenbroker.application.port.out.IdempotencyRecords;
import io.tokenbroker.application.port.out.Seals.Purpose;
import java.time.Duration;
import java.util.Optional;

/**
 * Idempotency records shared by every instance: the claim is one {@code SET NX PX} in a script that returns the
 * existing record when there is one, so two instances racing with the same key cannot both run the request. A
 * record is {@code fingerprint}, or {@code fingerprint \n status \n sealed body} once answered: the body may hold a
 * token or a new API key's secret, so it is sealed bound to its key; a body that does not open counts as no record
 * (the request runs again). When Redis is down the request runs (replay protection is lost for the outage, requests
 * are not).
 */
final class RedisIdempotencyRecords implements IdempotencyRecords {

    private static final String CLAIM = """
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
            return redis.call('GET', KEYS[1])""";

    private final RedisCalls redis;
    private final RedisSeals seals;
    private final String prefix;

    RedisIdempotencyRecords(RedisCalls redis, RedisSeals seals, String keyPrefix) {
        this.redis = redis;
        this.seals = seals;
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
        return Optional.ofNullable(existing).flatMap(record -> parse(prefix + key, record));
    }

    @Override
    public void complete(String key, String requestFingerprint, StoredResponse response, Duration ttl) {
        try {
            String body = seals.seal(Purpose.IDEMPOTENT_ANSWER, prefix + key, response.body());
            redis.call("store idempotent answer", commands -> commands.set(prefix + key,
                    requestFingerprint + "\n" + response.status() + "\n" + body,
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

    private Optional<Entry> parse(String redisKey, String record) {
        int first = record.indexOf('\n');
        if (first < 0) {
            return Optional.of(new Entry(record, Optional.empty()));
        }
        int second = record.indexOf('\n', first + 1);
        int status = Integer.parseInt(record.substring(first + 1, second));
        return seals.open(Purpose.IDEMPOTENT_ANSWER, redisKey, record.substring(second + 1))
                .map(body -> new Entry(record.substring(0, first), Optional.of(new StoredResponse(status, body))));
    }
}
