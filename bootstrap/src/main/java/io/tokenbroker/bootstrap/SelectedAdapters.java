package io.tokenbroker.bootstrap;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import io.tokenbroker.adapters.postgres.JdbcApiKeys;
import io.tokenbroker.adapters.postgres.JdbcCheckpoints;
import io.tokenbroker.adapters.postgres.JdbcConnections;
import io.tokenbroker.adapters.postgres.JdbcReauthorisations;
import io.tokenbroker.adapters.postgres.JdbcRefreshLog;
import io.tokenbroker.adapters.postgres.PostgresLockManager;
import io.tokenbroker.adapters.redis.ClockFencedLeases;
import io.tokenbroker.adapters.redis.RedisAdapters;
import io.tokenbroker.application.inmemory.InMemoryApiKeys;
import io.tokenbroker.application.inmemory.InMemoryCheckpoints;
import io.tokenbroker.application.inmemory.InMemoryCircuitLedger;
import io.tokenbroker.application.inmemory.InMemoryConnectAttempts;
import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryIdempotencyRecords;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.inmemory.InMemoryRateLimits;
import io.tokenbroker.application.inmemory.InMemoryReauthorisations;
import io.tokenbroker.application.inmemory.InMemoryRefreshLog;
import io.tokenbroker.application.inmemory.InMemoryRefreshSchedule;
import io.tokenbroker.application.inmemory.InMemoryTokenStore;
import io.tokenbroker.application.port.out.ApiKeys;
import io.tokenbroker.application.port.out.Checkpoints;
import io.tokenbroker.application.port.out.CircuitLedger;
import io.tokenbroker.application.port.out.ConnectAttempts;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.IdempotencyRecords;
import io.tokenbroker.application.port.out.KeyRevocations;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.RateLimits;
import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.application.port.out.RefreshLog;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.bootstrap.AdapterSelection.Port;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds, for each out-port, the adapter {@link AdapterSelection} chose: the in-memory ones here, the Redis ones from
 * {@link RedisAdapterFactory}'s {@link RedisAdapters}, the PostgreSQL ones from {@link PostgresAdapterFactory} (which
 * exist only when their infrastructure is configured, and are only asked for when chosen).
 */
@Factory
public class SelectedAdapters {

    private static final Logger LOG = LoggerFactory.getLogger(AdapterSelection.class);
    /** How many audit rows the embedded default keeps per connection. */
    private static final int IN_MEMORY_LOG_CAPACITY = 1_000;
    /** Links (and, apart, started authorizations) one instance keeps at most; the oldest go first. */
    private static final int IN_MEMORY_CONNECT_ATTEMPTS = 10_000;

    /** At start-up, so an impossible combination stops the start before any adapter connects anywhere. */
    @Context
    AdapterSelection adapterSelection(Environment environment) {
        AdapterSelection selection = AdapterSelection.from(environment);
        selection.lines().forEach(LOG::info);
        return selection;
    }

    @Singleton
    TokenStore tokenStore(AdapterSelection selection, BeanProvider<RedisAdapters> redis, Clock clock) {
        return switch (selection.of(Port.TOKENS)) {
            case MEMORY -> new InMemoryTokenStore(clock);
            case REDIS -> redis.get().tokenStore();
            case POSTGRES -> throw AdapterSelection.notOffered(Port.TOKENS);
        };
    }

    @Singleton
    LockManager lockManager(AdapterSelection selection, BeanProvider<RedisAdapters> redis, Connections connections) {
        return switch (selection.of(Port.LEASES)) {
            // Seeded from the stored fences: with a durable vault, a restarted process must not start again at 1.
            case MEMORY -> new InMemoryLockManager(connections::highestFence);
            case REDIS -> redis.get().lockManager();
            case POSTGRES -> throw AdapterSelection.notOffered(Port.LEASES);
        };
    }

    /** What grants a lease while Redis is unreachable; handed to the Redis lock manager by {@link RedisAdapterFactory}. */
    public record LeasesWhileRedisIsDown(LockManager locks) {
    }

    @Singleton
    LeasesWhileRedisIsDown leasesWhileRedisIsDown(AdapterSelection selection,
                                                  BeanProvider<PostgresLockManager> postgres,
                                                  BeanProvider<Connections> connections, Clock clock) {
        LockManager inProcess = new ClockFencedLeases(clock);
        return new LeasesWhileRedisIsDown(switch (selection.leasesWhileRedisIsDown()) {
            case MEMORY -> inProcess;
            case POSTGRES -> new LeaseFallback(postgres.get(), connections::get, inProcess);
            case REDIS -> throw AdapterSelection.notOffered(Port.LEASES);
        });
    }

    /** One refresh-ahead schedule for every instance with Redis (see {@link ProactiveRefreshFactory}). */
    @Singleton
    RefreshSchedule refreshSchedule(AdapterSelection selection, BeanProvider<RedisAdapters> redis) {
        return switch (selection.of(Port.REFRESH_SCHEDULE)) {
            case MEMORY -> new InMemoryRefreshSchedule();
            case REDIS -> redis.get().refreshSchedule();
            case POSTGRES -> throw AdapterSelection.notOffered(Port.REFRESH_SCHEDULE);
        };
    }

    /** With Redis every instance shares the counters. */
    @Singleton
    RateLimits rateLimits(AdapterSelection selection, BeanProvider<RedisAdapters> redis, Clock clock) {
        return switch (selection.of(Port.RATE_LIMITS)) {
            case MEMORY -> new InMemoryRateLimits(clock);
            case REDIS -> redis.get().rateLimits();
            case POSTGRES -> throw AdapterSelection.notOffered(Port.RATE_LIMITS);
        };
    }

    @Singleton
    IdempotencyRecords idempotencyRecords(AdapterSelection selection, BeanProvider<RedisAdapters> redis,
                                          Clock clock) {
        return switch (selection.of(Port.IDEMPOTENCY)) {
            case MEMORY -> new InMemoryIdempotencyRecords(clock);
            case REDIS -> redis.get().idempotencyRecords();
            case POSTGRES -> throw AdapterSelection.notOffered(Port.IDEMPOTENCY);
        };
    }

    /** One instance has nobody else to tell; with Redis the others hear of it through its pub/sub. */
    @Singleton
    KeyRevocations keyRevocations(AdapterSelection selection, BeanProvider<RedisAdapters> redis) {
        return switch (selection.of(Port.KEY_REVOCATIONS)) {
            case MEMORY -> KeyRevocations.NONE;
            case REDIS -> redis.get().keyRevocations();
            case POSTGRES -> throw AdapterSelection.notOffered(Port.KEY_REVOCATIONS);
        };
    }

    /** With Redis a connect link created on one instance completes on another. */
    @Singleton
    ConnectAttempts connectAttempts(AdapterSelection selection, BeanProvider<RedisAdapters> redis, Clock clock) {
        return switch (selection.of(Port.CONNECT_ATTEMPTS)) {
            case MEMORY -> new InMemoryConnectAttempts(IN_MEMORY_CONNECT_ATTEMPTS, clock);
            case REDIS -> redis.get().connectAttempts();
            case POSTGRES -> throw AdapterSelection.notOffered(Port.CONNECT_ATTEMPTS);
        };
    }

    @Singleton
    Connections connections(AdapterSelection selection, BeanProvider<JdbcConnections> postgres) {
        return switch (selection.of(Port.CONNECTIONS)) {
            case MEMORY -> new InMemoryConnections();
            case POSTGRES -> postgres.get();
            case REDIS -> throw AdapterSelection.notOffered(Port.CONNECTIONS);
        };
    }

    /** Shared with PostgreSQL, so one instance's {@code invalid_grant} is every instance's 409. */
    @Singleton
    Reauthorisations reauthorisations(AdapterSelection selection, BeanProvider<JdbcReauthorisations> postgres) {
        return switch (selection.of(Port.REAUTHORISATIONS)) {
            case MEMORY -> new InMemoryReauthorisations();
            case POSTGRES -> postgres.get();
            case REDIS -> throw AdapterSelection.notOffered(Port.REAUTHORISATIONS);
        };
    }

    @Singleton
    RefreshLog refreshLog(AdapterSelection selection, BeanProvider<JdbcRefreshLog> postgres) {
        return switch (selection.of(Port.REFRESH_LOG)) {
            case MEMORY -> new InMemoryRefreshLog(IN_MEMORY_LOG_CAPACITY);
            case POSTGRES -> postgres.get();
            case REDIS -> throw AdapterSelection.notOffered(Port.REFRESH_LOG);
        };
    }

    @Singleton
    ApiKeys apiKeys(AdapterSelection selection, BeanProvider<JdbcApiKeys> postgres) {
        return switch (selection.of(Port.API_KEYS)) {
            case MEMORY -> new InMemoryApiKeys();
            case POSTGRES -> postgres.get();
            case REDIS -> throw AdapterSelection.notOffered(Port.API_KEYS);
        };
    }

    /** The audit checkpoints follow the refresh log they vouch for; they have no row of their own in the table. */
    @Singleton
    Checkpoints checkpoints(AdapterSelection selection, BeanProvider<JdbcCheckpoints> postgres) {
        return switch (selection.of(Port.REFRESH_LOG)) {
            case MEMORY -> new InMemoryCheckpoints();
            case POSTGRES -> postgres.get();
            case REDIS -> throw AdapterSelection.notOffered(Port.REFRESH_LOG);
        };
    }

    /** With Redis every instance sees one circuit per connection and takes turns at its probes. */
    @Singleton
    CircuitLedger circuitLedger(AdapterSelection selection, BeanProvider<RedisAdapters> redis) {
        return switch (selection.of(Port.CIRCUITS)) {
            case MEMORY -> new InMemoryCircuitLedger();
            // While Redis is down, this instance's own circuits.
            case REDIS -> redis.get().circuitLedger(new InMemoryCircuitLedger());
            case POSTGRES -> throw AdapterSelection.notOffered(Port.CIRCUITS);
        };
    }
}
