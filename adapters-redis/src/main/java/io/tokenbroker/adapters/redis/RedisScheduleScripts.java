package io.tokenbroker.adapters.redis;

import io.tokenbroker.application.port.out.RefreshSchedule.Entry;
import io.tokenbroker.application.port.out.RefreshSchedule.Warned;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;
import java.util.Optional;

/**
 * How {@link RedisRefreshSchedule} keeps its keys: the Lua scripts, one a schedule operation, and the format of an
 * entry in the entries hash and of a demand in the demand hash. One class, because the scripts read the entry
 * format themselves (the due time first), so the two change together.
 */
final class RedisScheduleScripts {

    // KEYS: queued, claimed, entries, claims. ARGV: member, due, entry.
    static final String SCHEDULE = """
            redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('HDEL', KEYS[4], ARGV[1])
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
            redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
            return 1
            """;

    // KEYS: queued, claimed, entries. ARGV: member, due, entry, token issued. The rule of RefreshSchedule#offer.
    // A queued entry this script cannot read (not written by this adapter) is replaced, as if there were none.
    static final String OFFER = """
            if redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 0 end
            if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
              local current = redis.call('HGET', KEYS[3], ARGV[1])
              if current then
                local due, failures, issued = string.match(current, '^(-?%d+) (%d+) (-?%d+)')
                if due then
                  due = tonumber(due); failures = tonumber(failures); issued = tonumber(issued)
                  local offered = tonumber(ARGV[4])
                  if issued > offered then return 0 end
                  if issued == offered and (due <= tonumber(ARGV[2]) or failures > 0) then return 0 end
                end
              end
            end
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
            redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
            return 1
            """;

    // KEYS: queued, claimed, entries, demand, claims. ARGV: now, max, claimed until, this claim's id, then the ids
    // of this claimer's claims whose reply never came.
    // Returns member, entry, demand ('' when none) for each claimed connection, soonest first. A claim that ran out,
    // or whose reply never came, goes back at its entry's due time; one without a readable due time is dropped, entry
    // and all. The claims hash names the claim that holds each claimed member.
    static final String CLAIM = """
            local function requeue(member)
              redis.call('ZREM', KEYS[2], member)
              redis.call('HDEL', KEYS[5], member)
              local entry = redis.call('HGET', KEYS[3], member)
              local due = entry and string.match(entry, '^(-?%d+)')
              if due then
                redis.call('ZADD', KEYS[1], due, member)
              else
                redis.call('HDEL', KEYS[3], member)
              end
            end
            if #ARGV > 4 then
              local lost = {}
              for i = 5, #ARGV do lost[ARGV[i]] = true end
              local held = redis.call('HGETALL', KEYS[5])
              for i = 1, #held, 2 do
                if lost[held[i + 1]] and redis.call('ZSCORE', KEYS[2], held[i]) then requeue(held[i]) end
              end
            end
            local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 1000)
            for _, member in ipairs(expired) do
              requeue(member)
            end
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            local claimed = {}
            for _, member in ipairs(due) do
              redis.call('ZREM', KEYS[1], member)
              redis.call('ZADD', KEYS[2], ARGV[3], member)
              redis.call('HSET', KEYS[5], member, ARGV[4])
              claimed[#claimed + 1] = member
              claimed[#claimed + 1] = redis.call('HGET', KEYS[3], member) or ''
              claimed[#claimed + 1] = redis.call('HGET', KEYS[4], member) or ''
            end
            return claimed
            """;

    // KEYS: demand. ARGV: member, at.
    static final String DEMAND = """
            local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '')
            if current == nil or tonumber(ARGV[2]) > current then
              redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            end
            return 1
            """;

    // KEYS: queued, claimed, entries, demand. ARGV: member, due, entry, token issued, asked at. DEMAND, then OFFER
    // (whose early returns must not skip the demand): a request's two writes in one round trip.
    static final String OFFER_ASKED = """
            local asked = tonumber(redis.call('HGET', KEYS[4], ARGV[1]) or '')
            if asked == nil or tonumber(ARGV[5]) > asked then
              redis.call('HSET', KEYS[4], ARGV[1], ARGV[5])
            end
            """ + OFFER;

    // KEYS: queued, claimed, entries, demand, claims. ARGV: member.
    static final String REMOVE = """
            redis.call('ZREM', KEYS[1], ARGV[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('HDEL', KEYS[3], ARGV[1])
            redis.call('HDEL', KEYS[4], ARGV[1])
            redis.call('HDEL', KEYS[5], ARGV[1])
            return 1
            """;

    static final String SIZE = "return redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2])";

    /** {@code due failures issued expires warned}: due first, where the claim script reads it. */
    static String encode(Entry entry) {
        return entry.due().toEpochMilli() + " " + entry.failures() + " " + entry.tokenIssuedAt().toEpochMilli() + " "
                + entry.tokenExpiresAt().toEpochMilli() + " " + entry.warned().name();
    }

    static Entry decode(ConnectionKey key, String encoded) {
        String[] fields = encoded.split(" ");
        return new Entry(key, Instant.ofEpochMilli(Long.parseLong(fields[0])), Integer.parseInt(fields[1]),
                Instant.ofEpochMilli(Long.parseLong(fields[2])), Instant.ofEpochMilli(Long.parseLong(fields[3])),
                Warned.valueOf(fields[4]));
    }

    /** Unreadable demand counts as none: the connection looks idle until its next request records demand again. */
    static Optional<Instant> decodeDemand(String demand) {
        try {
            return demand.isEmpty() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(demand)));
        } catch (NumberFormatException malformed) {
            return Optional.empty();
        }
    }

    private RedisScheduleScripts() {
    }
}
