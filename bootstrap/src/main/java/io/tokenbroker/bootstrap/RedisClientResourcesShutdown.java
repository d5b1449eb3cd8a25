package io.tokenbroker.bootstrap;

import io.lettuce.core.AbstractRedisClient;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanDestroyedEvent;
import io.micronaut.context.event.BeanDestroyedEventListener;
import jakarta.inject.Singleton;

/**
 * micronaut-redis-lettuce builds its client on client resources (event loops, timers) it creates itself and hands
 * in from outside, and Lettuce does not shut resources down that a client did not create; so every closed context
 * would leave a set of threads behind (Lettuce warns when they are collected). Shut them down with the client. When
 * Lettuce runs on the server's event loops ({@link RedisOnServerEventLoops}) they are marked shared, and this leaves
 * them to the server: it ends only what Lettuce made itself (its event bus, latency recorder).
 */
@Singleton
@Requires(classes = AbstractRedisClient.class)
class RedisClientResourcesShutdown implements BeanDestroyedEventListener<AbstractRedisClient> {

    @Override
    public void onDestroyed(BeanDestroyedEvent<AbstractRedisClient> event) {
        event.getBean().getResources().shutdown();
    }
}
