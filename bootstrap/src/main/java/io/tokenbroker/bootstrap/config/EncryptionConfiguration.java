package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * {@code tokenbroker.encryption.*}: the key ring that seals secrets at rest. Required when the PostgreSQL adapters
 * or Redis are enabled (unless {@code tokenbroker.redis.allow-plaintext}); see {@code docs/security.md}. Never logged.
 *
 * @param keys      {@code TOKENBROKER_ENCRYPTION_KEYS}: {@code id:base64key[,id:base64key...]}, each key at least 32
 *                  bytes
 * @param activeKey {@code TOKENBROKER_ENCRYPTION_ACTIVE_KEY}: the id that seals new values; may be left out when
 *                  the ring holds one key
 */
@ConfigurationProperties("tokenbroker.encryption")
public record EncryptionConfiguration(@Nullable String keys, @Nullable String activeKey) {

    @Override
    public String toString() {
        return "EncryptionConfiguration[activeKey=" + activeKey + "]";
    }
}
