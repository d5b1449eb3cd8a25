package io.tokenbroker.bootstrap;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.micronaut.configuration.lettuce.AbstractRedisConfiguration;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Requires;
import io.tokenbroker.adapters.redis.RedisAdapters;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.port.in.AuthenticateCaller;
import io.tokenbroker.application.port.out.Seals;
import io.tokenbroker.bootstrap.AdapterSelection.Adapter;
import io.tokenbroker.bootstrap.AdapterSelection.Port;
import io.tokenbroker.bootstrap.SelectedAdapters.LeasesWhileRedisIsDown;
import io.tokenbroker.bootstrap.config.RedisAdapterConfiguration;
import io.tokenbroker.domain.apikey.ApiKeyId;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.UUID;

/**
 * The Redis adapters of this instance, when {@code redis.uri} (standalone or Sentinel; env {@code REDIS_URI}) or
 * {@code redis.uris} (Cluster) is set; micronaut-redis-lettuce builds the client from it. Which ports they serve,
 * {@link AdapterSelection} decides (it is asked first, so an impossible combination fails before anything
 * connects). Connected at startup ({@link Context}) so a wrong URI fails the start, not the first request. They seal
 * with the process's one {@link Seals} ({@link EncryptionFactory}), which refuses to start without a key ring.
 *
 * <p>When Lettuce runs on the server's event loops, each loop also gets a client of its own for the same URI(s), whose
 * one connection serves the Redis reads requests start on that loop ({@link RedisOnServerEventLoops#oneLoopEach});
 * the adapters shut those clients down when they close, before Micronaut's client and the loops.
 */
@Factory
public class RedisAdapterFactory {

    @Context
    @Requires(property = AdapterSelection.REDIS_URI)
    @Requires(missingProperty = AdapterSelection.REDIS_URIS)
    @Bean(preDestroy = "close")
    RedisAdapters redisAdapters(AdapterSelection checkedFirst, RedisClient client,
                                @Primary AbstractRedisConfiguration redis, RedisAdapterConfiguration config,
                                Seals seals, Clock clock, LeasesWhileRedisIsDown whileDown) {
        // As micronaut-redis-lettuce builds its client: redis.uri if given, else the host and port settings.
        RedisURI uri = redis.getUri().orElse(redis);
        return RedisAdapters.connect(client, RedisOnServerEventLoops.oneLoopEach(client.getResources(),
                        resources -> RedisClient.create(resources, uri)),
                config.settings(), seals, clock, instanceId(), new InMemoryLockManager(), whileDown.locks());
    }

    @Context
    @Requires(property = AdapterSelection.REDIS_URIS)
    @Bean(preDestroy = "close")
    RedisAdapters redisClusterAdapters(AdapterSelection checkedFirst, RedisClusterClient client,
                                       @Primary AbstractRedisConfiguration redis, RedisAdapterConfiguration config,
                                       Seals seals, Clock clock, LeasesWhileRedisIsDown whileDown) {
        return RedisAdapters.connect(client, RedisOnServerEventLoops.oneLoopEach(client.getResources(),
                        resources -> RedisClusterClient.create(resources, redis.getUris())),
                config.settings(), seals, clock, instanceId(), new InMemoryLockManager(), whileDown.locks());
    }

    /** Marker that revocations announced by other instances reach this one's verified-key cache. */
    public record RevocationsHeard() {
    }

    @Context
    @Singleton
    @Requires(beans = RedisAdapters.class)
    RevocationsHeard listenForRevocations(AdapterSelection selection, RedisAdapters redis,
                                          AuthenticateCaller authenticateCaller) {
        if (selection.of(Port.KEY_REVOCATIONS) == Adapter.REDIS) {
            redis.events().addKeyRevocationListener(id -> {
                if (ApiKeyId.isValid(id)) {
                    authenticateCaller.forget(new ApiKeyId(id));
                }
            });
        }
        return new RevocationsHeard();
    }

    /** Tells this instance's leases from every other's; only needs to be unique, so a random UUID per start. */
    private static String instanceId() {
        return UUID.randomUUID().toString();
    }
}
