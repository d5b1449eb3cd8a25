package io.tokenbroker.adapters.redis;

import io.lettuce.core.ScriptOutputType;
import io.tokenbroker.application.port.out.ConnectAttempts;
import io.tokenbroker.application.port.out.Seals.Purpose;
import io.tokenbroker.application.port.out.StoreUnavailableException;
import io.tokenbroker.domain.connect.ConnectLink;
import io.tokenbroker.domain.connect.PendingConsent;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Connect links and states shared by every instance: one hash per entry under the digest of its random value,
 * expiring {@link #KEPT_AFTER_EXPIRY} after the entry, so Redis bounds them itself. Completing a link and taking a
 * state are single {@code HSETNX} steps, so two instances racing cannot both win. The PKCE verifier is sealed bound
 * to its key. Without Redis the connect flow is unavailable (a 503, never a half-done consent).
 */
final class RedisConnectAttempts implements ConnectAttempts {

    private static final String SAVE = """
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], unpack(ARGV, 2))
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1""";
    private static final String COMPLETE = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            return redis.call('HSETNX', KEYS[1], 'completed', '1')""";
    private static final String TAKE = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
            local first = redis.call('HSETNX', KEYS[1], 'taken', '1')
            local fields = redis.call('HGETALL', KEYS[1])
            table.insert(fields, 1, tostring(first))
            return fields""";

    private final RedisCalls redis;
    private final RedisKeys keys;
    private final RedisSeals seals;
    private final Clock clock;

    RedisConnectAttempts(RedisCalls redis, RedisKeys keys, RedisSeals seals, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.seals = seals;
        this.clock = clock;
    }

    @Override
    public void saveLink(String digest, ConnectLink link) {
        save("save connect link", keys.connectLink(digest), link.expiresAt(), "tenant", link.key().tenant().value(),
                "connection", link.key().connection().value(), "return_url", text(link.returnUrl()),
                "scopes", String.join(" ", link.scopes()), "expires_at", millis(link.expiresAt()));
    }

    @Override
    public Optional<ConnectLink> findLink(String digest) {
        Map<String, String> link = available(() -> redis.call("read connect link",
                commands -> commands.hgetall(keys.connectLink(digest))));
        if (link.isEmpty()) {
            return Optional.empty();
        }
        List<String> scopes = link.get("scopes").isEmpty() ? List.of() : Arrays.asList(link.get("scopes").split(" "));
        return Optional.of(new ConnectLink(key(link), uri(link.get("return_url")), scopes, instant(link),
                link.containsKey("completed")));
    }

    @Override
    public boolean completeLink(String digest) {
        Long first = available(() -> redis.eval("complete connect link", COMPLETE, ScriptOutputType.INTEGER,
                new String[] {keys.connectLink(digest)}));
        return first != null && first == 1L;
    }

    @Override
    public void savePending(String stateDigest, PendingConsent consent) {
        String key = keys.connectState(stateDigest);
        save("save connect state", key, consent.expiresAt(), "tenant", consent.key().tenant().value(),
                "connection", consent.key().connection().value(), "link", consent.linkDigest(),
                "browser", consent.browserDigest(),
                "verifier", seals.seal(Purpose.PKCE_VERIFIER, key, consent.verifier().reveal()),
                "return_url", text(consent.returnUrl()), "expires_at", millis(consent.expiresAt()));
    }

    @Override
    public Taken takePending(String stateDigest) {
        String key = keys.connectState(stateDigest);
        List<Object> taken = available(() -> redis.eval("take connect state", TAKE, ScriptOutputType.MULTI,
                new String[] {key}));
        if (taken == null || taken.isEmpty()) {
            return new Taken.Unknown();
        }
        Map<String, String> fields = new HashMap<>();
        for (int i = 1; i + 1 < taken.size(); i += 2) {
            fields.put(String.valueOf(taken.get(i)), String.valueOf(taken.get(i + 1)));
        }
        Optional<String> verifier = seals.open(Purpose.PKCE_VERIFIER, key, fields.get("verifier"));
        if (verifier.isEmpty()) {
            // Sealed under a key no longer in the ring, or copied here: as good as never stored.
            return new Taken.Unknown();
        }
        PendingConsent consent = new PendingConsent(key(fields), fields.get("link"), fields.get("browser"),
                Secret.of(verifier.get()), uri(fields.get("return_url")), instant(fields));
        return "1".equals(String.valueOf(taken.get(0))) ? new Taken.Fresh(consent) : new Taken.Again(consent);
    }

    private void save(String operation, String key, Instant expiresAt, String... fields) {
        long keepMillis = Math.max(1, expiresAt.plus(KEPT_AFTER_EXPIRY).toEpochMilli() - clock.millis());
        List<String> args = new ArrayList<>();
        args.add(Long.toString(keepMillis));
        args.addAll(Arrays.asList(fields));
        available(() -> redis.eval(operation, SAVE, ScriptOutputType.INTEGER, new String[] {key},
                args.toArray(String[]::new)));
    }

    private static <T> T available(Supplier<T> call) {
        try {
            return call.get();
        } catch (RedisUnavailableException down) {
            throw new StoreUnavailableException("Redis is unavailable for the connect flow", down);
        }
    }

    private static ConnectionKey key(Map<String, String> fields) {
        return ConnectionKey.of(fields.get("tenant"), fields.get("connection"));
    }

    private static Instant instant(Map<String, String> fields) {
        return Instant.ofEpochMilli(Long.parseLong(fields.get("expires_at")));
    }

    private static String text(Optional<URI> url) {
        return url.map(URI::toString).orElse("");
    }

    private static Optional<URI> uri(String text) {
        return text == null || text.isEmpty() ? Optional.empty() : Optional.of(URI.create(text));
    }

    private static String millis(Instant instant) {
        return Long.toString(instant.toEpochMilli());
    }
}
