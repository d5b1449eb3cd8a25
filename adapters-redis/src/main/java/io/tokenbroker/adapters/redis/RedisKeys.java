package io.tokenbroker.adapters.redis;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Redis key layout. Every key of one connection carries the same hash tag, {@code {tenant:connection}}, so in
 * Redis Cluster they share a slot and one Lua script may touch them all. Ids are restricted to
 * {@code [A-Za-z0-9._-]}, so neither braces nor colons from a caller can shift the tag. No key ever holds a token.
 */
public final class RedisKeys {

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]{1,32}");

    private final String prefix;

    /** @param prefix namespaces the broker's keys in a shared Redis, e.g. {@code tb} */
    public RedisKeys(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("the Redis key prefix must be 1 to 32 characters of [A-Za-z0-9._-]");
        }
        this.prefix = prefix;
    }

    public String token(ConnectionKey key) {
        return base(key) + ":token";
    }

    public String lease(ConnectionKey key) {
        return base(key) + ":lease";
    }

    public String fence(ConnectionKey key) {
        return base(key) + ":fence";
    }

    /** The pub/sub channel on which a refreshed or invalidated token is announced. */
    public String channel(ConnectionKey key) {
        return base(key) + ":events";
    }

    private String base(ConnectionKey key) {
        return prefix + ":{" + key.tenant().value() + ":" + key.connection().value() + "}";
    }
}
