package io.tokenbroker.adapters.redis;

import io.lettuce.core.ScriptOutputType;
import io.tokenbroker.application.port.out.RotationSlots;
import io.tokenbroker.application.port.out.StoreUnavailableException;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Pending rotations in Redis, under the connection's hash tag and without expiry: {@code fence|expiry|sealed}. The
 * fence comparison and the write are one script, so of two holders the higher fence wins whatever the order. A set
 * indexes the connections with a slot (another hash tag: in Cluster the index is updated after the slot, and a
 * stale member only costs a read that finds nothing). Values arrive sealed and are stored as they are.
 */
final class RedisRotationSlots implements RotationSlots {

    private static final String HOLD = """
            local current = redis.call('GET', KEYS[1])
            if current then
              local fence = tonumber(string.match(current, '^(%d+)|'))
              if fence and fence >= tonumber(ARGV[1]) then return 0 end
            end
            redis.call('SET', KEYS[1], ARGV[2])
            return 1
            """;
    private static final String RELEASE = """
            local current = redis.call('GET', KEYS[1])
            if not current then return 1 end
            local fence = tonumber(string.match(current, '^(%d+)|'))
            if fence and fence > tonumber(ARGV[1]) then return 0 end
            redis.call('DEL', KEYS[1])
            return 1
            """;

    private final RedisCalls redis;
    private final RedisKeys keys;

    RedisRotationSlots(RedisCalls redis, RedisKeys keys) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    @Override
    public void hold(ConnectionKey key, Slot slot) {
        String value = slot.text();
        reachable(() -> redis.eval("hold a pending rotation", HOLD, ScriptOutputType.INTEGER,
                new String[] {keys.pendingRotation(key)}, Long.toString(slot.fence()), value));
        reachable(() -> redis.call("index a pending rotation",
                commands -> commands.sadd(keys.pendingRotations(), member(key))));
    }

    @Override
    public Optional<Slot> find(ConnectionKey key) {
        String value = reachable(() -> redis.call("read a pending rotation",
                commands -> commands.get(keys.pendingRotation(key))));
        return Optional.ofNullable(value).map(Slot::parse);
    }

    @Override
    public List<ConnectionKey> held() {
        return reachable(() -> redis.call("list pending rotations",
                commands -> commands.smembers(keys.pendingRotations()))).stream()
                .map(keys::connectionOfScheduleMember).flatMap(Optional::stream).toList();
    }

    @Override
    public void release(ConnectionKey key, long fence) {
        Long released = reachable(() -> redis.eval("release a pending rotation", RELEASE, ScriptOutputType.INTEGER,
                new String[] {keys.pendingRotation(key)}, Long.toString(fence)));
        if (released != null && released == 1) {
            reachable(() -> redis.call("unindex a pending rotation",
                    commands -> commands.srem(keys.pendingRotations(), member(key))));
        }
    }

    private String member(ConnectionKey key) {
        return keys.scheduleMember(key);
    }

    private static <T> T reachable(Supplier<T> call) {
        try {
            return call.get();
        } catch (RedisUnavailableException down) {
            throw new StoreUnavailableException(down.getMessage(), down);
        }
    }
}
