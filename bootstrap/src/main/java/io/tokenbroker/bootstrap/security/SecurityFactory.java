package io.tokenbroker.bootstrap.security;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.tokenbroker.adapters.http.inbound.security.BcryptSecretHasher;
import io.tokenbroker.application.inmemory.InMemoryApiKeys;
import io.tokenbroker.application.inmemory.InMemoryIdempotencyRecords;
import io.tokenbroker.application.inmemory.InMemoryRateLimits;
import io.tokenbroker.application.port.out.ApiKeys;
import io.tokenbroker.application.port.out.IdempotencyRecords;
import io.tokenbroker.application.port.out.KeyRevocations;
import io.tokenbroker.application.port.out.RateLimits;
import io.tokenbroker.application.port.out.SecretHasher;
import io.tokenbroker.application.service.ApiKeyService;
import io.tokenbroker.application.service.RateLimitService;
import io.tokenbroker.bootstrap.config.RateLimitConfiguration;
import io.tokenbroker.bootstrap.PostgresAdapterFactory;
import io.tokenbroker.bootstrap.config.SecurityConfiguration;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;

/** Wires caller authentication: where keys are kept and how their secrets are hashed. */
@Factory
public class SecurityFactory {

    /** In memory unless PostgreSQL is configured; then {@code PostgresAdapterFactory} provides them. */
    @Singleton
    @Requires(missingProperty = PostgresAdapterFactory.DATASOURCE_URL)
    ApiKeys apiKeys() {
        return new InMemoryApiKeys();
    }

    /** In memory unless Redis is configured; then every instance shares the counters ({@code RedisAdapterFactory}). */
    @Singleton
    @Requires(missingProperty = "redis.uri")
    @Requires(missingProperty = "redis.uris")
    RateLimits rateLimits(Clock clock) {
        return new InMemoryRateLimits(clock);
    }

    /** In memory unless Redis is configured; then every instance shares the records ({@code RedisAdapterFactory}). */
    @Singleton
    @Requires(missingProperty = "redis.uri")
    @Requires(missingProperty = "redis.uris")
    IdempotencyRecords idempotencyRecords(Clock clock) {
        return new InMemoryIdempotencyRecords(clock);
    }

    @Singleton
    RateLimitService rateLimitService(RateLimits limits, RateLimitConfiguration configuration) {
        return new RateLimitService(limits, configuration.perKeyLimit(), configuration.overrides(),
                configuration.perAddressLimit());
    }

    @Singleton
    SecretHasher secretHasher(SecurityConfiguration security) {
        return new BcryptSecretHasher(security.bcryptCost(), new SecureRandom());
    }

    /** One instance: nobody else to tell. With Redis, {@code RedisAdapterFactory} announces revocations. */
    @Singleton
    @Requires(missingProperty = "redis.uri")
    @Requires(missingProperty = "redis.uris")
    KeyRevocations keyRevocations() {
        return KeyRevocations.NONE;
    }

    @Singleton
    ApiKeyService apiKeyService(ApiKeys keys, SecretHasher hasher, Clock clock, SecurityConfiguration security,
                                KeyRevocations revocations) {
        return new ApiKeyService(keys, hasher, clock, new SecureRandom(), security.settings(), revocations);
    }
}
