package io.tokenbroker.adapters.redis;

import io.tokenbroker.application.port.out.Sealed;
import io.tokenbroker.application.port.out.Seals;
import io.tokenbroker.application.port.out.Seals.Purpose;
import io.tokenbroker.application.port.out.UndecryptableSecretException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Seals what the Redis adapters write that could serve as a credential, bound to the Redis key it is written under
 * and to its purpose: a value copied to another key, tampered with, or sealed under a key no longer in the ring
 * does not open. Such a value is treated as absent and counted ({@link #refused()}), never served and never thrown
 * at a caller. Values are stored as {@code keyId:base64}, so the key id travels with them and keys can rotate.
 */
final class RedisSeals {

    private static final Logger LOG = System.getLogger(RedisSeals.class.getName());
    private static final String VERSION = "tb-redis-v1";

    private final Seals seals;
    private final AtomicLong refused = new AtomicLong();

    RedisSeals(Seals seals) {
        this.seals = Objects.requireNonNull(seals, "seals");
    }

    String seal(Purpose purpose, String redisKey, String plaintext) {
        return seals.seal(purpose, context(purpose, redisKey), plaintext).text();
    }

    /** The plaintext, or empty (counted) when the value does not open here. */
    Optional<String> open(Purpose purpose, String redisKey, String stored) {
        try {
            return Optional.of(seals.open(purpose, context(purpose, redisKey), Sealed.parse(stored)));
        } catch (UndecryptableSecretException refusedValue) {
            refused.incrementAndGet();
            LOG.log(Level.WARNING, "a sealed value under {0} was refused and treated as absent: {1}", redisKey,
                    refusedValue.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The value sealed again under the active key; empty when it already is, or when it does not open (counted).
     */
    Optional<String> resealed(Purpose purpose, String redisKey, String stored) {
        Sealed sealed;
        try {
            sealed = Sealed.parse(stored);
        } catch (UndecryptableSecretException malformed) {
            refused.incrementAndGet();
            return Optional.empty();
        }
        if (sealed.keyId().equals(seals.activeKeyId())) {
            return Optional.empty();
        }
        return open(purpose, redisKey, stored).map(plaintext -> seal(purpose, redisKey, plaintext));
    }

    /** How many values did not open since start: copied, tampered, or sealed under a key no longer in the ring. */
    long refused() {
        return refused.get();
    }

    /** Length-prefixed parts, so no choice of key can make two different bindings produce the same bytes. */
    private static byte[] context(Purpose purpose, String redisKey) {
        StringBuilder joined = new StringBuilder();
        for (String part : new String[] {VERSION, purpose.name(), redisKey}) {
            joined.append(part.length()).append(':').append(part);
        }
        return joined.toString().getBytes(StandardCharsets.UTF_8);
    }
}
