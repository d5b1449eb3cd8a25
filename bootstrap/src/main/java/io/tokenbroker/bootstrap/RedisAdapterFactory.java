package io.tokenbroker.bootstrap;

import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.tokenbroker.adapters.redis.RedisAdapters;
import io.tokenbroker.application.port.in.AuthenticateCaller;
import io.tokenbroker.application.port.out.IdempotencyRecords;
import io.tokenbroker.application.port.out.KeyRevocations;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.domain.apikey.ApiKeyId;
import io.tokenbroker.application.port.out.RateLimits;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.bootstrap.config.RedisAdapterConfiguration;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.UUID;

/**
 * The token store, the lock manager, the refresh-ahead schedule, rate limits and idempotency records on Redis, for
 * several instances, when {@code redis.uri} (standalone or Sentinel; env {@code REDIS_URI}) or {@code redis.uris}
 * (Cluster) is set; micronaut-redis-lettuce builds the client from it. Connected at startup ({@link Context}) so a
 * wrong URI fails the start, not the first request.
 */
@Factory
public class RedisAdapterFactory {

    @Context
    @Requires(property = "redis.uri")
    @Requires(missingProperty = "redis.uris")
    @Bean(preDestroy = "close")
    RedisAdapters redisAdapters(RedisClient client, RedisAdapterConfiguration config, Clock clock) {
        return RedisAdapters.connect(client, config.settings(), clock, instanceId());
    }

    @Context
    @Requires(property = "redis.uris")
    @Bean(preDestroy = "close")
    RedisAdapters redisClusterAdapters(RedisClusterClient client, RedisAdapterConfiguration config, Clock clock) {
        return RedisAdapters.connect(client, config.settings(), clock, instanceId());
    }

    @Singleton
    @Requires(beans = RedisAdapters.class)
    TokenStore redisTokenStore(RedisAdapters redis) {
        return redis.tokenStore();
    }

    @Singleton
    @Requires(beans = RedisAdapters.class)
    KeyRevocations redisKeyRevocations(RedisAdapters redis) {
        return redis.keyRevocations();
    }

    /** Marker that revocations announced by other instances reach this one's verified-key cache. */
    public record RevocationsHeard() {
    }

    @Context
    @Singleton
    @Requires(beans = RedisAdapters.class)
    RevocationsHeard listenForRevocations(RedisAdapters redis, AuthenticateCaller authenticateCaller) {
        redis.events().addKeyRevocationListener(id -> {
            if (ApiKeyId.isValid(id)) {
                authenticateCaller.forget(new ApiKeyId(id));
            }
        });
        return new RevocationsHeard();
    }

    @Singleton
    @Requires(beans = RedisAdapters.class)
    IdempotencyRecords redisIdempotencyRecords(RedisAdapters redis) {
        return redis.idempotencyRecords();
    }

    @Singleton
    @Requires(beans = RedisAdapters.class)
    RateLimits redisRateLimits(RedisAdapters redis) {
        return redis.rateLimits();
    }

    @Singleton
    @Requires(beans = RedisAdapters.class)
    LockManager redisLockManager(RedisAdapters redis) {
        return redis.lockManager();
    }

    /** One refresh-ahead schedule for every instance (see {@link ProactiveRefreshFactory}). */
    @Singleton
    @Requires(beans = RedisAdapters.class)
    RefreshSchedule redisRefreshSchedule(RedisAdapters redis) {
        return redis.refreshSchedule();
    }

    /** Tells this instance's leases from every other's; only needs to be unique, so a random UUID per start. */
    private static String instanceId() {
        return UUID.randomUUID().toString();
    }
}
