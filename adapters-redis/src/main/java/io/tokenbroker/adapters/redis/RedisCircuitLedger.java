package io.tokenbroker.adapters.redis;

import io.lettuce.core.ScriptOutputType;
import io.tokenbroker.application.port.out.CircuitLedger;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.Circuit;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every instance's circuits in one Redis hash, {@code <prefix>:{circuits}:all}, field {@code tenant:connection}:
 * one hash tag, so it lives in one Cluster slot and {@link #notClosed} is one {@code HGETALL}; a closed circuit is
 * no field, so the hash holds only connections that failed lately. The compare-and-set is a script comparing the
 * stored text with the expected circuit's. A value this version cannot read counts as closed and is dropped.
 *
 * <p>While Redis is unreachable the instance keeps its circuits in process ({@code whileDown}): it may then open a
 * circuit another instance has not, or probe when another one did, for the length of the outage.
 */
final class RedisCircuitLedger implements CircuitLedger {

    private static final System.Logger LOG = System.getLogger(RedisCircuitLedger.class.getName());

    private static final String REPLACE = """
            local current = redis.call('HGET', KEYS[1], ARGV[1]) or ''
            if current ~= ARGV[2] then return 0 end
            if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1])
            else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
            return 1""";

    private final RedisCalls redis;
    private final RedisKeys keys;
    private final CircuitLedger whileDown;

    RedisCircuitLedger(RedisCalls redis, RedisKeys keys, CircuitLedger whileDown) {
        this.redis = redis;
        this.keys = keys;
        this.whileDown = whileDown;
    }

    @Override
    public Circuit find(ConnectionKey key) {
        String member = keys.scheduleMember(key);
        String stored;
        try {
            stored = redis.call("read circuit", commands -> commands.hget(keys.circuits(), member));
        } catch (RedisUnavailableException down) {
            return whileDown.find(key);
        }
        if (stored == null) {
            return Circuit.CLOSED;
        }
        Optional<Circuit> circuit = decode(stored);
        if (circuit.isEmpty()) {
            LOG.log(Level.WARNING, "dropped an unreadable circuit of {0}", key);
            replace(member, stored, "");
            return Circuit.CLOSED;
        }
        return circuit.get();
    }

    @Override
    public boolean replace(ConnectionKey key, Circuit expected, Circuit next) {
        try {
            return replace(keys.scheduleMember(key), encode(expected), encode(next));
        } catch (RedisUnavailableException down) {
            return whileDown.replace(key, expected, next);
        }
    }

    private boolean replace(String member, String expected, String next) {
        Long replaced = redis.eval("replace circuit", REPLACE, ScriptOutputType.INTEGER,
                new String[] {keys.circuits()}, member, expected, next);
        return replaced != null && replaced == 1L;
    }

    @Override
    public Map<ConnectionKey, Circuit> notClosed() {
        Map<String, String> all;
        try {
            all = redis.call("list circuits", commands -> commands.hgetall(keys.circuits()));
        } catch (RedisUnavailableException down) {
            return whileDown.notClosed();
        }
        Map<ConnectionKey, Circuit> open = new HashMap<>();
        all.forEach((member, stored) -> keys.connectionOfScheduleMember(member).ifPresent(key ->
                decode(stored).filter(circuit -> !circuit.isClosed()).ifPresent(circuit -> open.put(key, circuit))));
        return open;
    }

    /** {@code failures} while closed; {@code failures|since|until|period|probeSince or -} while open. */
    static String encode(Circuit circuit) {
        if (circuit.equals(Circuit.CLOSED)) {
            return "";
        }
        return circuit.open().map(open -> circuit.consecutiveFailures() + "|" + open.since() + "|" + open.until()
                + "|" + open.period() + "|" + open.probeSince().map(Instant::toString).orElse("-"))
                .orElse(Integer.toString(circuit.consecutiveFailures()));
    }

    static Optional<Circuit> decode(String stored) {
        String[] fields = stored.split("\\|", -1);
        try {
            int failures = Integer.parseInt(fields[0]);
            if (fields.length == 1) {
                return Optional.of(new Circuit(failures, Optional.empty()));
            }
            if (fields.length != 5) {
                return Optional.empty();
            }
            Optional<Instant> probe = fields[4].equals("-") ? Optional.empty() : Optional.of(Instant.parse(fields[4]));
            return Optional.of(new Circuit(failures, Optional.of(new Circuit.Open(Instant.parse(fields[1]),
                    Instant.parse(fields[2]), Duration.parse(fields[3]), probe))));
        } catch (DateTimeParseException | IllegalArgumentException unreadable) {
            return Optional.empty();
        }
    }
}
