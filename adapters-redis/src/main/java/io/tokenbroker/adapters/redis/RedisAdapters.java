package io.tokenbroker.adapters.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.netty.util.concurrent.EventExecutor;
import io.tokenbroker.application.port.out.CircuitLedger;
import io.tokenbroker.application.port.out.ConnectAttempts;
import io.tokenbroker.application.port.out.IdempotencyRecords;
import io.tokenbroker.application.port.out.KeyRevocations;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.RateLimits;
import io.tokenbroker.application.port.out.RefreshSchedule;
import io.tokenbroker.application.port.out.RotationSlots;
import io.tokenbroker.application.port.out.Seals;
import io.tokenbroker.application.port.out.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The Redis adapters of one instance over one command connection and one pub/sub connection, and optionally a read
 * connection per event loop ({@link RedisLoopConnections}). Bootstrap builds one from the client Micronaut configured
 * from {@code redis.uri} (standalone or Sentinel) or {@code redis.uris} (Cluster); tests build one from their own
 * client. Closing it closes the connections and stops the lease watchdog, not the client (the loops' clients, which
 * it was handed, it shuts down). The connections themselves, and what is set on them, are {@link RedisConnections}.
 */
public final class RedisAdapters implements AutoCloseable {

    /**
     * @param keyPrefix      namespaces the keys, e.g. {@code tb}
     * @param commandTimeout the longest any request waits for one Redis command before failing open
     * @param nearCacheSize  tokens kept in process per instance; 0 turns the near cache off (every hit reads Redis,
     *                       nothing is served while Redis is down)
     * @param recheck        longest lease wait without a pub/sub event before trying again
     */
    public record Settings(String keyPrefix, Duration commandTimeout, long nearCacheSize, Duration recheck) {

        public Settings {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            Objects.requireNonNull(commandTimeout, "commandTimeout");
            Objects.requireNonNull(recheck, "recheck");
            if (commandTimeout.isNegative() || commandTimeout.isZero()) {
                throw new IllegalArgumentException("the Redis command timeout must be positive");
            }
            if (recheck.isNegative() || recheck.isZero()) {
                throw new IllegalArgumentException("the lease recheck interval must be positive");
            }
            if (nearCacheSize < 0) {
                throw new IllegalArgumentException("the near cache size must not be negative");
            }
        }
    }

    private final RedisConnections connections;
    private final RedisEvents events;
    private final RedisOutage outage = new RedisOutage();
    private final RedisCalls calls;
    private final RedisConnectionWatch watch;
    private final RedisSeals seals;
    private final RedisTokenStore redisTokens;
    private final NearCachedTokenStore tokens;
    private final RedisLockManager locks;
    private final RedisRateLimits rateLimits;
    private final RedisKeyRevocations keyRevocations;
    private final RedisIdempotencyRecords idempotencyRecords;
    private final RedisRefreshSchedule refreshSchedule;
    private final RedisRotationSlots rotationSlots;
    private final RedisKeys keys;
    private final RedisConnectAttempts connectAttempts;

    /** Takes {@code connections} over, and closes them when the pub/sub connection cannot be had. */
    private RedisAdapters(RedisConnections connections, Settings settings, Seals sealing, Clock clock,
                          String instanceId, LockManager inProcess, LockManager whenDown) {
        RedisKeys keys = new RedisKeys(settings.keyPrefix());
        this.keys = keys;
        this.seals = new RedisSeals(sealing);
        this.connections = connections;
        try {
            this.events = new RedisEvents(connections.connectPubSub(), keys,
                    settings.commandTimeout().multipliedBy(10));
        } catch (RuntimeException failed) {
            connections.close();
            throw failed;
        }
        this.calls = new RedisCalls(connections.commands(), connections.loops(), settings.commandTimeout(), outage);
        this.redisTokens = new RedisTokenStore(calls, keys, seals, clock);
        this.tokens = new NearCachedTokenStore(redisTokens, events, clock, settings.nearCacheSize());
        this.locks = new RedisLockManager(calls, keys, events, instanceId, settings.recheck(), inProcess,
                whenDown);
        this.rateLimits = new RedisRateLimits(calls, settings.keyPrefix(), clock);
        this.keyRevocations = new RedisKeyRevocations(calls, keys);
        this.idempotencyRecords = new RedisIdempotencyRecords(calls, seals, settings.keyPrefix());
        this.refreshSchedule = new RedisRefreshSchedule(calls, keys);
        this.rotationSlots = new RedisRotationSlots(calls, keys);
        this.connectAttempts = new RedisConnectAttempts(calls, keys, seals, clock);
        this.watch = new RedisConnectionWatch(outage, calls);
        connections.addListener(watch);
    }

    /**
     * Connects; fails when Redis cannot be reached now (later outages are survived).
     *
     * @param seals seals every value that could serve as a credential before it is written
     * @param inProcess the lease this instance falls back to while Redis is unreachable
     */
    public static RedisAdapters connect(RedisClient client, Settings settings, Seals seals, Clock clock,
                                        String instanceId,
                                        LockManager inProcess) {
        return connect(client, settings, seals, clock, instanceId, inProcess, new ClockFencedLeases(clock));
    }

    /**
     * As {@link #connect(RedisClient, Settings, Seals, Clock, String, LockManager)}, with the lock manager that
     * grants leases while Redis is unreachable (asked with the in-process lease held).
     */
    public static RedisAdapters connect(RedisClient client, Settings settings, Seals seals, Clock clock,
                                        String instanceId, LockManager inProcess, LockManager whenDown) {
        return connect(client, Map.of(), settings, seals, clock, instanceId, inProcess, whenDown);
    }

    /**
     * As above, and a read started on one of the event loops of {@code onLoops} goes over a connection of that loop's
     * own client (whose resources hold only that loop), so it is written, read and answered there. The loop clients
     * are handed over: closing the adapters shuts them and their resources down.
     */
    public static RedisAdapters connect(RedisClient client, Map<? extends EventExecutor, RedisClient> onLoops,
                                        Settings settings, Seals seals, Clock clock, String instanceId,
                                        LockManager inProcess, LockManager whenDown) {
        return new RedisAdapters(RedisConnections.standalone(client, onLoops), settings, seals, clock, instanceId,
                inProcess, whenDown);
    }

    /**
     * Connects to a Redis Cluster. Every key of a connection shares one hash tag, so each script runs on one
     * slot; a classic PUBLISH reaches every node, so one pattern subscription hears every connection's events.
     */
    public static RedisAdapters connect(RedisClusterClient client, Settings settings, Seals seals, Clock clock,
                                        String instanceId,
                                        LockManager inProcess) {
        return connect(client, settings, seals, clock, instanceId, inProcess, new ClockFencedLeases(clock));
    }

    /** A Redis Cluster, with the lock manager that grants leases while it is unreachable. */
    public static RedisAdapters connect(RedisClusterClient client, Settings settings, Seals seals, Clock clock,
                                        String instanceId, LockManager inProcess, LockManager whenDown) {
        return connect(client, Map.of(), settings, seals, clock, instanceId, inProcess, whenDown);
    }

    /** A Redis Cluster, with a client of its own per event loop for the reads started there (as for standalone). */
    public static RedisAdapters connect(RedisClusterClient client,
                                        Map<? extends EventExecutor, RedisClusterClient> onLoops, Settings settings,
                                        Seals seals, Clock clock, String instanceId, LockManager inProcess,
                                        LockManager whenDown) {
        return new RedisAdapters(RedisConnections.cluster(client, onLoops), settings, seals, clock, instanceId,
                inProcess, whenDown);
    }

    /** The near-cached, fail-open token store the service should use. */
    public TokenStore tokenStore() {
        return tokens;
    }

    /** The store without the near cache: what Redis holds. */
    public TokenStore sharedTokenStore() {
        return redisTokens;
    }

    public LockManager lockManager() {
        return locks;
    }

    /** Announces API key revocations to every instance (they listen through {@link #events()}). */
    public KeyRevocations keyRevocations() {
        return keyRevocations;
    }

    /** Idempotency records shared by every instance. */
    public IdempotencyRecords idempotencyRecords() {
        return idempotencyRecords;
    }

    /** The refresh-ahead schedule and demand shared by every instance. */
    public RefreshSchedule refreshSchedule() {
        return refreshSchedule;
    }

    /** Rotated refresh tokens waiting for the vault, readable by every instance, surviving this one. */
    public RotationSlots rotationSlots() {
        return rotationSlots;
    }

    /**
     * The circuits shared by every instance.
     *
     * @param whileDown where this instance keeps its circuits while Redis is unreachable
     */
    public CircuitLedger circuitLedger(CircuitLedger whileDown) {
        return new RedisCircuitLedger(calls, keys, whileDown);
    }

    /** Connect links and states shared by every instance: a link made on one completes on another. */
    public ConnectAttempts connectAttempts() {
        return connectAttempts;
    }

    /** Rate-limit counters shared by every instance. */
    public RateLimits rateLimits() {
        return rateLimits;
    }

    /**
     * Seals every cached token under the active key (the operator's {@code re-encrypt}); returns how many moved.
     * Idempotent answers are not moved: they expire within their replay window.
     */
    public long resealTokens() {
        return redisTokens.resealAll();
    }

    /** Values read from Redis that did not open since start (copied, tampered, unknown key): treated as absent. */
    public long refusedValues() {
        return seals.refused();
    }

    /**
     * Blocking Redis calls refused because they were made on an event-loop thread, since start; 0 unless a caller is
     * misplaced (each one fell back as if Redis had refused the command).
     */
    public long blockingCallsRefusedOnEventLoops() {
        return calls.refusedOnEventLoop();
    }

    public RedisEvents events() {
        return events;
    }

    public RedisOutage outage() {
        return outage;
    }

    @Override
    public void close() {
        watch.closing();
        locks.close();
        events.close();
        connections.close();
    }
}
