package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.tokenbroker.adapters.redis.RedisAdapters;
import java.time.Duration;

/**
 * {@code tokenbroker.redis.*}; the connection itself is Micronaut's {@code redis.uri} ({@code REDIS_URI}).
 *
 * @param keyPrefix      namespaces the broker's keys in a shared Redis
 * @param commandTimeout the longest a request waits for one Redis command before it fails open
 * @param nearCacheSize  tokens each instance keeps in process
 * @param leaseRecheck   the longest a lease waiter waits without a pub/sub event before trying again
 * @param allowPlaintext development only: start without a key ring, so cached tokens are readable in Redis
 */
@ConfigurationProperties("tokenbroker.redis")
public record RedisAdapterConfiguration(
        @Bindable(defaultValue = "tb") String keyPrefix,
        @Bindable(defaultValue = "250ms") Duration commandTimeout,
        @Bindable(defaultValue = "10000") long nearCacheSize,
        @Bindable(defaultValue = "1s") Duration leaseRecheck,
        @Bindable(defaultValue = "false") boolean allowPlaintext) {

    public RedisAdapters.Settings settings() {
        return new RedisAdapters.Settings(keyPrefix, commandTimeout, nearCacheSize, leaseRecheck);
    }
}
