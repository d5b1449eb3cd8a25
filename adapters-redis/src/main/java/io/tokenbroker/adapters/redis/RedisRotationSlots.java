package io.tokenbroker.adapters.redis;

import io.lettuce.core.ScriptOutputType;
import io.tokenbroker.application.port.out.RotationSlots;
import io.tokenbroker.application.port.out.StoreUnavailableException;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Pending rotations in Redis, under the connection's hash tag and without expiry: {@code fence|expiry|sealed}. The
 * fence comparison and the write are one script, so of two holders the higher fence wins whatever the order. A set
 * indexes the connections with a slot (another hash tag: in Cluster the index is updated after the slot, and a
 * stale member only costs a read that finds nothing). Values arrive sealed and are stored as they are.
 *
 * <p>Published rotations live beside them ({@code :rotated}), written by the same highest-fence-wins script but
 * neither indexed nor written back, and sent without waiting: the rotation is already stored in the database, and
 * a refresh should not wait for its notice.
 */
final class RedisRotationSlots implements RotationSlots {

    private static final System.Logger LOG = System.getLogger(RedisRotationSlots.class.getName());

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

    @Override
    public CompletionStage<Void> publish(ConnectionKey key, Slot slot) {
        return logged(redis.callAsync("publish a stored rotation", commands -> commands.<Long>eval(HOLD,
                        ScriptOutputType.INTEGER, new String[] {keys.publishedRotation(key)},
                        Long.toString(slot.fence()), slot.text())),
                "could not publish the stored rotation of " + key + " (fence " + slot.fence() + "); an instance "
                        + "reading from memory during a database outage may present an older refresh token");
    }

    @Override
    public Optional<Slot> published(ConnectionKey key) {
        String value = reachable(() -> redis.call("read a published rotation",
                commands -> commands.get(keys.publishedRotation(key))));
        return Optional.ofNullable(value).map(Slot::parse);
    }

    @Override
    public CompletionStage<Void> unpublish(ConnectionKey key) {
        return logged(redis.callAsync("withdraw a published rotation",
                commands -> commands.del(keys.publishedRotation(key))),
                "could not withdraw the published rotation of " + key);
    }

    /**
     * Completes when the command did, never exceptionally. A failure is logged at debug level only: it is nearly
     * always Redis being down, which {@link RedisOutage} logs once, and a line per rotation would flood the log for
     * as long as the outage lasts (seen in the Redis-down fault drill).
     */
    private static CompletionStage<Void> logged(CompletionStage<?> command, String failure) {
        return command.handle((done, failed) -> {
            if (failed != null) {
                Throwable cause = failed instanceof CompletionException && failed.getCause() != null
                        ? failed.getCause() : failed;
                LOG.log(Level.DEBUG, "{0}: {1}", failure, cause.getMessage());
            }
            return null;
        });
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
