package io.tokenbroker.adapters.redis;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Redis key layout. Every key of one connection carries the same hash tag, {@code {tenant:connection}}, so in
 * Redis Cluster they share a slot and one Lua script may touch them all. Ids are restricted to
 * {@code [A-Za-z0-9._-]}, so neither braces nor colons from a caller can shift the tag. No key name ever holds a token.
 */
public final class RedisKeys {

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]{1,32}");
    private static final Pattern CHANNEL =
            Pattern.compile("([A-Za-z0-9._-]{1,32}):\\{([A-Za-z0-9._-]+):([A-Za-z0-9._-]+)\\}:events");

    private static final Pattern DIGEST = Pattern.compile("[A-Za-z0-9-]{1,128}");
    private static final Pattern MEMBER = Pattern.compile("([A-Za-z0-9._-]+):([A-Za-z0-9._-]+)");

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

    /** A SCAN pattern matching every connection's token key. */
    public String allTokens() {
        return prefix + ":{*}:token";
    }

    public String lease(ConnectionKey key) {
        return base(key) + ":lease";
    }

    public String fence(ConnectionKey key) {
        return base(key) + ":fence";
    }

    /** A rotated refresh token waiting for the vault (no expiry: it must outlive any outage). */
    public String pendingRotation(ConnectionKey key) {
        return base(key) + ":pending";
    }

    /** The newest stored rotation, published for instances reading the vault from memory during an outage. */
    public String publishedRotation(ConnectionKey key) {
        return base(key) + ":rotated";
    }

    /** The set of connections with a pending rotation, so writing them back needs no SCAN of the keyspace. */
    public String pendingRotations() {
        return prefix + ":{pending}:index";
    }

    /** The pub/sub channel on which a refreshed or invalidated token is announced. */
    public String channel(ConnectionKey key) {
        return base(key) + ":events";
    }

    /**
     * The refresh schedule's keys share one hash tag, {@code {schedule}}: the claim script reads and moves entries
     * across all five, which Redis Cluster allows only within one slot. Connections are members, not keys.
     */
    public String scheduleQueued() {
        return prefix + ":{schedule}:queued";
    }

    public String scheduleClaimed() {
        return prefix + ":{schedule}:claimed";
    }

    public String scheduleEntries() {
        return prefix + ":{schedule}:entries";
    }

    public String scheduleDemand() {
        return prefix + ":{schedule}:demand";
    }

    public String scheduleClaims() {
        return prefix + ":{schedule}:claims";
    }

    /** Every connection's circuit: one hash, fields named like schedule members. */
    public String circuits() {
        return prefix + ":{circuits}:all";
    }

    /** A connection as a member of the schedule's sets and hashes: {@code tenant:connection}. */
    public String scheduleMember(ConnectionKey key) {
        return key.tenant().value() + ":" + key.connection().value();
    }

    /** The connection a schedule member names; empty for anything else. */
    public Optional<ConnectionKey> connectionOfScheduleMember(String member) {
        Matcher matcher = MEMBER.matcher(member);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ConnectionKey.of(matcher.group(1), matcher.group(2)));
        } catch (RuntimeException notAnId) {
            return Optional.empty();
        }
    }

    /**
     * A connect link, by the digest of its token. Each link and state is its own hash tag: nothing touches two of
     * them at once.
     */
    public String connectLink(String digest) {
        return prefix + ":connect:{" + checkedDigest(digest) + "}:link";
    }

    /** An authorization started from a link, by the digest of its {@code state}. */
    public String connectState(String digest) {
        return prefix + ":connect:{" + checkedDigest(digest) + "}:state";
    }

    private static String checkedDigest(String digest) {
        if (!DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException("a digest is 1 to 128 characters of [A-Za-z0-9-]");
        }
        return digest;
    }

    /** Where API key revocations are announced to every instance (not tied to a connection, so no hash tag). */
    public String keyRevocationChannel() {
        return prefix + ":apikeys:revoked";
    }

    /** Matches the channel of every connection under this prefix: one pattern subscription per instance. */
    public String channelPattern() {
        return prefix + ":{*}:events";
    }

    /** The connection a channel belongs to; empty for a channel outside this layout. */
    public Optional<ConnectionKey> connectionOf(String channel) {
        Matcher matcher = CHANNEL.matcher(channel);
        if (!matcher.matches() || !matcher.group(1).equals(prefix)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ConnectionKey.of(matcher.group(2), matcher.group(3)));
        } catch (RuntimeException notAnId) {
            return Optional.empty();
        }
    }

    private String base(ConnectionKey key) {
        return prefix + ":{" + key.tenant().value() + ":" + key.connection().value() + "}";
    }
}
