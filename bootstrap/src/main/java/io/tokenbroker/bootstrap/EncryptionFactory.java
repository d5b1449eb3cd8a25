package io.tokenbroker.bootstrap;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.value.PropertyResolver;
import io.tokenbroker.adapters.postgres.AesGcmSeals;
import io.tokenbroker.adapters.postgres.EncryptionKeys;
import io.tokenbroker.adapters.postgres.InvalidEncryptionKeysException;
import io.tokenbroker.application.port.out.Seals;
import io.tokenbroker.bootstrap.config.EncryptionConfiguration;
import io.tokenbroker.bootstrap.config.RedisAdapterConfiguration;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link Seals} of the process, handed to the PostgreSQL vault and the Redis adapters alike (adapters never
 * see each other, so the implementation reaches Redis only through this wiring). A {@link Context} bean: a missing,
 * malformed or short key ring stops the start, not the first request. Without a ring the broker starts only when
 * nothing sealed would leave the process: the embedded default, or Redis with {@code allow-plaintext} (development).
 */
@Factory
public class EncryptionFactory {

    private static final Logger LOG = LoggerFactory.getLogger(EncryptionFactory.class);

    @Context
    @Singleton
    Seals seals(EncryptionConfiguration encryption, RedisAdapterConfiguration redis, PropertyResolver properties) {
        if (encryption.keys() != null && !encryption.keys().isBlank()) {
            EncryptionKeys keys = EncryptionKeys.parse(encryption.keys(), encryption.activeKey());
            LOG.info("secrets leaving the process are sealed with key {} (ring: {})", keys.activeId(), keys.ids());
            return new AesGcmSeals(keys, new SecureRandom());
        }
        if (properties.containsProperty(PostgresAdapterFactory.DATASOURCE_URL)) {
            throw new InvalidEncryptionKeysException("TOKENBROKER_ENCRYPTION_KEYS is not set: the PostgreSQL vault "
                    + "seals client secrets and refresh tokens with it");
        }
        boolean redisConfigured = properties.containsProperty(AdapterSelection.REDIS_URI)
                || properties.containsProperty(AdapterSelection.REDIS_URIS);
        if (redisConfigured && !redis.allowPlaintext()) {
            throw new InvalidEncryptionKeysException("Redis is configured but TOKENBROKER_ENCRYPTION_KEYS is not set: "
                    + "cached access tokens would be readable by anyone who reads Redis, its dumps or replicas. Set "
                    + "a key ring (see docs/security.md), or tokenbroker.redis.allow-plaintext=true for development");
        }
        if (redisConfigured) {
            LOG.warn("tokenbroker.redis.allow-plaintext=true: access tokens are stored in Redis UNSEALED; "
                    + "for development only");
        }
        return new PlaintextSeals();
    }
}
