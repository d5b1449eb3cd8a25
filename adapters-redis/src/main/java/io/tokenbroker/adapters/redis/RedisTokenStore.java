package io.tokenbroker.adapters.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.tokenbroker.application.port.out.Seals.Purpose;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The token cache shared by every instance: one hash per connection ({@code v} value, {@code t} type, {@code i}
 * issued, {@code e} expires, {@code f} fingerprint, {@code u} keep-until), expiring after the ttl the service
 * passes (the token's expiry less a clock margin; whether it is served is the service's policy). A hash rather than a JSON string so the Lua scripts compare the
 * fingerprint with {@code HGET} and the adapter needs no JSON library.
 *
 * <p>The value is sealed by {@link RedisSeals}, bound to the hash's key: Redis, its dumps and replicas hold no
 * usable token. The fingerprint is a one-way hash; a value that does not open is a miss (counted), never served.
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
    record Stored(AccessToken token, Instant keepUntil) {
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

    /** Re-seals the value only if it is still the one read, so a concurrent put is never overwritten. */
    private static final String RESEAL = """
            if redis.call('HGET', KEYS[1], 'v') == ARGV[1] then
              redis.call('HSET', KEYS[1], 'v', ARGV[2])
              return 1
            end
            return 0
            """;

    private final RedisCalls redis;
    private final RedisKeys keys;
    private final RedisSeals seals;
    private final Clock clock;

    RedisTokenStore(RedisCalls redis, RedisKeys keys, RedisSeals seals, Clock clock) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.seals = Objects.requireNonNull(seals, "seals");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<AccessToken> find(ConnectionKey key) {
        return findStored(key).map(Stored::token);
    }

    /**
     * The cached token with its keep-until instant. Checked against the injected clock as well as left to the
     * Redis TTL: the clocks of the instances and of Redis differ slightly, and ours is the one the policy used.
     */
    Optional<Stored> findStored(ConnectionKey key) {
        String tokenKey = keys.token(key);
        return stored(tokenKey, redis.call("find token", commands -> commands.hgetall(tokenKey)));
    }

    /** Read asynchronously; Redis unreachable is empty, as for the service any miss is. */
    @Override
    public CompletionStage<Optional<Found>> lookupWithoutBlocking(ConnectionKey key) {
        return findStoredAsync(key).handle((stored, failed) -> failed != null ? Optional.empty()
                : stored.map(found -> new Found(found.token(), Source.STORE)));
    }

    /** {@link #findStored} on Lettuce's asynchronous API: no thread waits for the reply. */
    CompletableFuture<Optional<Stored>> findStoredAsync(ConnectionKey key) {
        String tokenKey = keys.token(key);
        return redis.callAsync("find token", commands -> commands.hgetall(tokenKey))
                .thenApply(fields -> stored(tokenKey, fields));
    }

    private Optional<Stored> stored(String tokenKey, Map<String, String> fields) {
        if (fields == null || fields.isEmpty() || !fields.containsKey("v")) {
            return Optional.empty();
        }
        Instant keepUntil = Instant.parse(fields.get("u"));
        if (!clock.instant().isBefore(keepUntil)) {
            return Optional.empty();
        }
        return seals.open(Purpose.ACCESS_TOKEN, tokenKey, fields.get("v"))
                .map(value -> new Stored(new AccessToken(value, fields.get("t"), Instant.parse(fields.get("i")),
                        Instant.parse(fields.get("e"))), keepUntil));
    }

    @Override
    public boolean put(ConnectionKey key, AccessToken token, Duration ttl, long fence) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the ttl must be positive");
        }
        // PX takes whole milliseconds; rounding a sub-millisecond ttl down to 0 would be an error in Redis.
        long millis = Math.max(1, ttl.toMillis());
        Instant keepUntil = clock.instant().plus(ttl);
        String tokenKey = keys.token(key);
        Long stored = redis.eval("put token", PUT, ScriptOutputType.INTEGER,
                new String[] {tokenKey, keys.fence(key)}, Long.toString(millis),
                seals.seal(Purpose.ACCESS_TOKEN, tokenKey, token.value()),
                token.tokenType(), token.issuedAt().toString(), token.expiresAt().toString(),
                token.fingerprint().hex(), keepUntil.toString(), keys.channel(key),
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

    /**
     * Seals every cached token under the active key (the operator's {@code re-encrypt}), so a retired key can leave
     * the ring. Values that do not open are left to expire and counted by {@link RedisSeals#refused()}.
     *
     * @return how many values were sealed again
     */
    long resealAll() {
        ScanArgs tokens = ScanArgs.Builder.matches(keys.allTokens()).limit(200);
        long resealed = 0;
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            ScanCursor from = cursor;
            KeyScanCursor<String> page = redis.call("scan tokens", commands -> commands.scan(from, tokens));
            for (String tokenKey : page.getKeys()) {
                resealed += reseal(tokenKey) ? 1 : 0;
            }
            cursor = page;
        } while (!cursor.isFinished());
        return resealed;
    }

    private boolean reseal(String tokenKey) {
        String current = redis.call("read token", commands -> commands.hget(tokenKey, "v"));
        if (current == null) {
            return false;
        }
        Optional<String> again = seals.resealed(Purpose.ACCESS_TOKEN, tokenKey, current);
        if (again.isEmpty()) {
            return false;
        }
        Long swapped = redis.eval("reseal token", RESEAL, ScriptOutputType.INTEGER, new String[] {tokenKey}, current,
                again.get());
        return swapped != null && swapped == 1L;
    }
}
