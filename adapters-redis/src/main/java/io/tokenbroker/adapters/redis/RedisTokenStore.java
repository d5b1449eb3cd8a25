package io.tokenbroker.adapters.redis;

import io.lettuce.core.ScriptOutputType;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.AccessToken.Fingerprint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The token cache shared by every instance: one hash per connection ({@code v} value, {@code t} type, {@code i}
 * issued, {@code e} expires, {@code f} fingerprint, {@code u} serve-until), expiring after the ttl the service
 * passes, which already stops at the hard buffer. A hash rather than a JSON string so the Lua scripts compare the
 * fingerprint with {@code HGET} and the adapter needs no JSON library.
 *
 * <p>A put is refused when the connection's fence key holds a greater fence than the writer's: that key holds the
 * greatest fence granted by {@link RedisLockManager} or written here, so a holder whose lease expired and was
 * granted again cannot overwrite the new holder's token (after an empty restart there is nothing to compare with,
 * and the write is accepted).
 *
 * <p>Every change is one Lua script that also publishes the change on the connection's channel, so near caches on
 * all instances hear of it. Failures surface as {@link RedisUnavailableException}; {@link NearCachedTokenStore}
 * turns them into fail-open behaviour. Instants are stored as ISO-8601 so they come back exactly.
 */
public final class RedisTokenStore implements TokenStore {

    /** A cached token and the instant it must no longer be served. */
    record Stored(AccessToken token, Instant serveUntil) {
    }

    private static final String PUT = """
            local latest = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
            local fence = tonumber(ARGV[10])
            if fence < latest then
              return 0
            end
            if fence > latest then
              redis.call('SET', KEYS[2], ARGV[10])
            end
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'v', ARGV[2], 't', ARGV[3], 'i', ARGV[4], 'e', ARGV[5], 'f', ARGV[6], 'u', ARGV[7])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            redis.call('PUBLISH', ARGV[8], ARGV[9])
            return 1
            """;

    private static final String DELETE_IF = """
            local removed = 0
            if redis.call('HGET', KEYS[1], 'f') == ARGV[1] then
              redis.call('DEL', KEYS[1])
              removed = 1
            end
            redis.call('PUBLISH', ARGV[2], ARGV[3])
            return removed
            """;

    private static final String DELETE = """
            redis.call('DEL', KEYS[1])
            redis.call('PUBLISH', ARGV[1], ARGV[2])
            return 1
            """;

    private final RedisCalls redis;
    private final RedisKeys keys;
    private final Clock clock;

    RedisTokenStore(RedisCalls redis, RedisKeys keys, Clock clock) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<AccessToken> find(ConnectionKey key) {
        return findStored(key).map(Stored::token);
    }

    /**
     * The cached token with its serve-until instant. Checked against the injected clock as well as left to the
     * Redis TTL: the clocks of the instances and of Redis differ slightly, and ours is the one the policy used.
     */
    Optional<Stored> findStored(ConnectionKey key) {
        Map<String, String> fields = redis.call("find token", commands -> commands.hgetall(keys.token(key)));
        if (fields == null || fields.isEmpty() || !fields.containsKey("v")) {
            return Optional.empty();
        }
        Instant serveUntil = Instant.parse(fields.get("u"));
        if (!clock.instant().isBefore(serveUntil)) {
            return Optional.empty();
        }
        AccessToken token = new AccessToken(fields.get("v"), fields.get("t"), Instant.parse(fields.get("i")),
                Instant.parse(fields.get("e")));
        return Optional.of(new Stored(token, serveUntil));
    }

    @Override
    public boolean put(ConnectionKey key, AccessToken token, Duration ttl, long fence) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the ttl must be positive");
        }
        // PX takes whole milliseconds; rounding a sub-millisecond ttl down to 0 would be an error in Redis.
        long millis = Math.max(1, ttl.toMillis());
        Instant serveUntil = clock.instant().plus(ttl);
        Long stored = redis.eval("put token", PUT, ScriptOutputType.INTEGER,
                new String[] {keys.token(key), keys.fence(key)}, Long.toString(millis), token.value(),
                token.tokenType(), token.issuedAt().toString(), token.expiresAt().toString(),
                token.fingerprint().hex(), serveUntil.toString(), keys.channel(key),
                RedisEvents.stored(token.fingerprint()), Long.toString(fence));
        return stored != null && stored == 1L;
    }

    @Override
    public boolean deleteIf(ConnectionKey key, Fingerprint fingerprint) {
        // Announced even when Redis no longer holds it (expired, lost in a restart): near caches may still do.
        Long removed = redis.eval("delete token if current", DELETE_IF, ScriptOutputType.INTEGER,
                new String[] {keys.token(key)}, fingerprint.hex(), keys.channel(key),
                RedisEvents.invalidated(Optional.of(fingerprint)));
        return removed != null && removed == 1L;
    }

    @Override
    public void delete(ConnectionKey key) {
        redis.eval("delete token", DELETE, ScriptOutputType.INTEGER, new String[] {keys.token(key)},
                keys.channel(key), RedisEvents.invalidated(Optional.empty()));
    }
}
