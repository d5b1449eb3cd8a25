package io.tokenbroker.adapters.redis;

import io.lettuce.core.ScriptOutputType;
import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A lease {@link RedisLockManager} granted: extended by the watchdog every third of its ttl while held, released
 * (with a message on the connection's channel, which wakes waiters on every instance) when closed. Both scripts act
 * only if the lease key still holds this lease's value, so a holder whose lease expired can never release or extend
 * its successor's. Closing also releases the in-process lease taken before it.
 */
final class RedisLease implements Lease {

    private static final System.Logger LOG = System.getLogger(RedisLease.class.getName());

    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1])
              redis.call('PUBLISH', ARGV[2], ARGV[3])
              return 1
            end
            return 0
            """;

    private static final String EXTEND = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 0
            """;

    /**
     * What the acquire script answered.
     *
     * @param value   what the lease key holds while this lease is held ({@code owner|fence})
     * @param noToken whether the connection's token key was absent when the lease was granted
     */
    record Grant(long fence, String value, boolean noToken) {
    }

    private final RedisCalls redis;
    private final RedisKeys keys;
    private final ConnectionKey key;
    private final long fence;
    private final String value;
    private final boolean noToken;
    private final Lease inProcess;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private volatile ScheduledFuture<?> extension;

    RedisLease(RedisCalls redis, RedisKeys keys, ConnectionKey key, Grant grant, Lease inProcess) {
        this.redis = redis;
        this.keys = keys;
        this.key = key;
        this.fence = grant.fence();
        this.value = grant.value();
        this.noToken = grant.noToken();
        this.inProcess = inProcess;
    }

    static long ttlMillis(Duration ttl) {
        return Math.max(1, ttl.toMillis());
    }

    void renewEvery(Duration ttl, ScheduledExecutorService watchdog) {
        long period = Math.max(1, ttlMillis(ttl) / 3);
        extension = watchdog.scheduleAtFixedRate(() -> extend(ttl), period, period, TimeUnit.MILLISECONDS);
    }

    private void extend(Duration ttl) {
        try {
            Long extended = redis.eval("extend lease", EXTEND, ScriptOutputType.INTEGER,
                    new String[] {keys.lease(key)}, value, Long.toString(ttlMillis(ttl)));
            if (extended == null || extended != 1L) {
                // Expired and maybe taken over: the fence makes our late writes refusable, nothing else to do.
                LOG.log(Level.WARNING, "the lease on {0} (fence {1}) was lost while held", key, fence);
                stopRenewing();
            }
        } catch (RuntimeException down) {
            // Already counted by RedisOutage; the next tick tries again while the lease may still be alive.
        }
    }

    private void stopRenewing() {
        ScheduledFuture<?> renewing = extension;
        if (renewing != null) {
            renewing.cancel(false);
        }
    }

    @Override
    public ConnectionKey key() {
        return key;
    }

    @Override
    public long fence() {
        return fence;
    }

    @Override
    public boolean noTokenStoredAtGrant() {
        return noToken;
    }

    @Override
    public void close() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        stopRenewing();
        try {
            redis.eval("release lease", RELEASE, ScriptOutputType.INTEGER, new String[] {keys.lease(key)},
                    value, keys.channel(key), RedisEvents.released());
        } catch (RedisUnavailableException down) {
            // The lease expires by its ttl; waiters elsewhere wake at the latest then.
        } finally {
            inProcess.close();
        }
    }

    @Override
    public String toString() {
        return "RedisLease[" + key + ", fence=" + fence + "]";
    }
}
