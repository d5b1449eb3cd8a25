package io.tokenbroker.adapters.redis;

import static io.tokenbroker.adapters.redis.RedisScheduleScripts.CLAIM;
import static io.tokenbroker.adapters.redis.RedisScheduleScripts.DEMAND;
import static io.tokenbroker.adapters.redis.RedisScheduleScripts.OFFER;
import static io.tokenbroker.adapters.redis.RedisScheduleScripts.OFFER_ASKED;
import static io.tokenbroker.adapters.redis.RedisScheduleScripts.REMOVE;
import static io.tokenbroker.adapters.redis.RedisScheduleScripts.SCHEDULE;
import static io.tokenbroker.adapters.redis.RedisScheduleScripts.SIZE;
import static io.tokenbroker.adapters.redis.RedisScheduleScripts.decode;
import static io.tokenbroker.adapters.redis.RedisScheduleScripts.decodeDemand;
import static io.tokenbroker.adapters.redis.RedisScheduleScripts.encode;

import io.lettuce.core.ScriptOutputType;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The refresh-ahead schedule shared by every instance, in five keys under one hash tag (one Cluster slot, so each
 * script may touch them all): a sorted set of queued connections by due time, a sorted set of claimed connections
 * by claim deadline, a hash of the entries themselves, a hash of the last demand per connection and a hash of the
 * claim that holds each claimed connection. Members are
 * {@code tenant:connection}; instants are epoch milliseconds.
 *
 * <p>Every operation is one Lua script, so claiming a batch (deadlines that ran out put back, due entries moved to
 * the claimed set, their demand read) is atomic and one round trip. When Redis is down nothing is written, nothing
 * is claimed and the size is 0: the scheduler idles, requests go on, and whatever was claimed comes back when its
 * deadline passes. The scripts and the format of the entries are {@link RedisScheduleScripts}.
 */
final class RedisRefreshSchedule implements RefreshSchedule {

    private static final System.Logger LOG = System.getLogger(RedisRefreshSchedule.class.getName());

    /** Unanswered claims remembered at most; a Redis that stays away that long is down, and deadlines take over. */
    private static final int MAX_UNANSWERED = 64;

    private final RedisCalls redis;
    private final RedisKeys keys;
    /** Names this adapter's claims, so that it alone puts back those whose reply it never got. */
    private final String claimer = UUID.randomUUID().toString();
    private final AtomicLong claims = new AtomicLong();
    private final Deque<String> unanswered = new ConcurrentLinkedDeque<>();

    RedisRefreshSchedule(RedisCalls redis, RedisKeys keys) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    @Override
    public void schedule(Entry entry) {
        try {
            redis.eval("schedule refresh", SCHEDULE, ScriptOutputType.INTEGER, new String[] {keys.scheduleQueued(),
                            keys.scheduleClaimed(), keys.scheduleEntries(), keys.scheduleClaims()},
                    keys.scheduleMember(entry.key()), millis(entry.due()), encode(entry));
        } catch (RedisUnavailableException down) {
            // Lost: a claim this completed runs out and is taken again; a new token is offered again by requests.
        }
    }

    @Override
    public boolean offer(Entry entry) {
        try {
            Long put = redis.eval("offer refresh", OFFER, ScriptOutputType.INTEGER, scheduleKeys(),
                    keys.scheduleMember(entry.key()), millis(entry.due()), encode(entry),
                    millis(entry.tokenIssuedAt()));
            return put != null && put == 1L;
        } catch (RedisUnavailableException down) {
            return false;
        }
    }

    @Override
    public boolean offerAsked(Entry entry, Instant askedAt) {
        try {
            Long put = redis.eval("offer refresh and record demand", OFFER_ASKED, ScriptOutputType.INTEGER,
                    claimKeys(), keys.scheduleMember(entry.key()), millis(entry.due()), encode(entry),
                    millis(entry.tokenIssuedAt()), millis(askedAt));
            return put != null && put == 1L;
        } catch (RedisUnavailableException down) {
            return false;
        }
    }

    @Override
    public List<Claim> claimDue(Instant now, int max, Instant claimedUntil) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        if (!claimedUntil.isAfter(now)) {
            throw new IllegalArgumentException("a claim must last beyond now");
        }
        String id = claimer + ":" + claims.incrementAndGet();
        List<String> lost = List.copyOf(unanswered);
        List<String> args = new ArrayList<>(List.of(Long.toString(now.toEpochMilli()), Integer.toString(max),
                Long.toString(claimedUntil.toEpochMilli()), id));
        args.addAll(lost);
        List<Object> reply;
        try {
            reply = redis.eval("claim due refreshes", CLAIM, ScriptOutputType.MULTI, claimKeys(),
                    args.toArray(String[]::new));
            unanswered.removeAll(lost);
        } catch (RedisUnavailableException down) {
            unanswered(id, down);
            return List.of();
        }
        List<Claim> claims = new ArrayList<>(reply.size() / 3);
        for (int i = 0; i + 2 < reply.size(); i += 3) {
            String member = (String) reply.get(i);
            decodeClaim(member, (String) reply.get(i + 1), (String) reply.get(i + 2)).ifPresentOrElse(claims::add,
                    () -> {
                        // Written by another version or by hand (an unknown warning during a rolling deploy, a
                        // truncated value): due first for ever if left, so it goes, and the rest of the batch is
                        // still handed out. A request for the connection offers its token again.
                        LOG.log(Level.WARNING, "dropped a refresh schedule entry this version cannot read");
                        removeMember(member);
                    });
        }
        return claims;
    }

    /**
     * A claim sent whose reply did not come (a timeout, a dropped connection) may have run all the same, leaving its
     * entries claimed with nobody working on them until their deadline, a refresh's worth of minutes: its own offers
     * and every other instance's would be refused meanwhile, and callers would renew those tokens themselves. The next
     * claim that gets through puts them back. A call never sent (skipped while Redis is down, or refused) claimed
     * nothing.
     */
    private void unanswered(String id, RedisUnavailableException down) {
        if (down.getCause() == null) {
            return;
        }
        unanswered.addLast(id);
        while (unanswered.size() > MAX_UNANSWERED) {
            // Those left out come back at their deadline, as before.
            unanswered.pollFirst();
        }
    }

    private Optional<Claim> decodeClaim(String member, String entry, String demand) {
        Optional<ConnectionKey> key = keys.connectionOfScheduleMember(member);
        if (key.isEmpty() || entry.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Claim(decode(key.get(), entry), decodeDemand(demand)));
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    @Override
    public void recordDemand(ConnectionKey key, Instant at) {
        try {
            redis.eval("record demand", DEMAND, ScriptOutputType.INTEGER, new String[] {keys.scheduleDemand()},
                    keys.scheduleMember(key), millis(at));
        } catch (RedisUnavailableException down) {
            // Demand is recorded again within a minute of the next request.
        }
    }

    @Override
    public void remove(ConnectionKey key) {
        removeMember(keys.scheduleMember(key));
    }

    private void removeMember(String member) {
        try {
            redis.eval("remove refresh", REMOVE, ScriptOutputType.INTEGER, claimKeys(), member);
        } catch (RedisUnavailableException down) {
            // Claimed again later and dropped then.
        }
    }

    @Override
    public int size() {
        try {
            Long size = redis.eval("count refreshes", SIZE, ScriptOutputType.INTEGER,
                    new String[] {keys.scheduleQueued(), keys.scheduleClaimed()});
            return size == null ? 0 : Math.toIntExact(size);
        } catch (RedisUnavailableException down) {
            return 0;
        }
    }

    private String[] scheduleKeys() {
        return new String[] {keys.scheduleQueued(), keys.scheduleClaimed(), keys.scheduleEntries()};
    }

    private String[] claimKeys() {
        return new String[] {keys.scheduleQueued(), keys.scheduleClaimed(), keys.scheduleEntries(),
                keys.scheduleDemand(), keys.scheduleClaims()};
    }

    private static String millis(Instant instant) {
        return Long.toString(instant.toEpochMilli());
    }
}
