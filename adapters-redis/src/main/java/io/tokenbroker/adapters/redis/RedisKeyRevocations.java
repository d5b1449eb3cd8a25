package io.tokenbroker.adapters.redis;

import io.tokenbroker.application.port.out.KeyRevocations;
import io.tokenbroker.domain.apikey.ApiKeyId;

/** Announces a revoked or rotated API key on one channel every instance subscribes to; best effort when Redis is down. */
final class RedisKeyRevocations implements KeyRevocations {

    private final RedisCalls redis;
    private final RedisKeys keys;

    RedisKeyRevocations(RedisCalls redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public void announce(ApiKeyId id) {
        try {
            redis.call("announce key revocation", commands -> commands.publish(keys.keyRevocationChannel(), id.value()));
        } catch (RedisUnavailableException down) {
            // The other instances stop trusting the key when their cache entries end (verified-cache-ttl).
        }
    }
}
