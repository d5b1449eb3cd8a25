package io.tokenbroker.bootstrap.security;

import io.micronaut.context.annotation.Factory;
import io.tokenbroker.adapters.http.inbound.security.BcryptSecretHasher;
import io.tokenbroker.application.port.out.ApiKeys;
import io.tokenbroker.application.port.out.KeyRevocations;
import io.tokenbroker.application.port.out.RateLimits;
import io.tokenbroker.application.port.out.SecretHasher;
import io.tokenbroker.application.service.ApiKeyService;
import io.tokenbroker.application.service.RateLimitService;
import io.tokenbroker.bootstrap.config.RateLimitConfiguration;
import io.tokenbroker.bootstrap.config.SecurityConfiguration;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wires caller authentication: how key secrets are hashed, and the rate limits. Where keys, counters and revocations
 * are kept is {@code AdapterSelection}'s decision.
 */
@Factory
public class SecurityFactory {

    @Singleton
    RateLimitService rateLimitService(RateLimits limits, RateLimitConfiguration configuration) {
        return new RateLimitService(limits, configuration.perKeyLimit(), configuration.overrides(),
                configuration.perAddressLimit());
    }

    @Singleton
    SecretHasher secretHasher(SecurityConfiguration security) {
        return new BcryptSecretHasher(security.bcryptCost(), new SecureRandom());
    }

    @Singleton
    ApiKeyService apiKeyService(ApiKeys keys, SecretHasher hasher, Clock clock, SecurityConfiguration security,
                                KeyRevocations revocations) {
        return new ApiKeyService(keys, hasher, clock, new SecureRandom(), security.settings(), revocations,
                verificationPool(security.verificationThreadCount(), security.verificationQueue()));
    }

    /**
     * bcrypt is pure CPU: more threads than cores only makes every verification slower, and an unbounded queue
     * turns a cold-start burst into minutes of backlog. Idle threads end, so a closed context leaves none behind.
     */
    static ThreadPoolExecutor verificationPool(int threads, int queue) {
        AtomicInteger counter = new AtomicInteger();
        ThreadFactory named = task -> {
            Thread thread = new Thread(task, "key-verification-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, queue)), named, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
