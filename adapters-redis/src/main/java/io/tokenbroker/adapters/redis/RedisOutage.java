package io.tokenbroker.adapters.redis;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tracks whether Redis is reachable so that an outage is logged once when it starts and once when it ends, not
 * once per request: at a few thousand requests a second a per-request warning would drown the log.
 *
 * <p>The counts are exported by bootstrap as Micrometer meters ({@code tokenbroker_redis_*}); this module stays free
 * of Micrometer.
 */
public final class RedisOutage {

    private static final System.Logger LOG = System.getLogger(RedisOutage.class.getName());

    private final AtomicBoolean down = new AtomicBoolean();
    /** The shared command connection dropped and has neither reconnected nor answered since. */
    private volatile boolean sharedLost;
    private final AtomicLong failedCalls = new AtomicLong();
    private final AtomicLong outages = new AtomicLong();
    private final AtomicLong skippedCalls = new AtomicLong();

    /**
     * A call failed. While the shared command connection is still lost, this is the outage that began when it
     * dropped, not a new one: a call answered over a loop's own connection (which may reconnect first) ended it early,
     * and the next lease or write over the shared one is rejected until that one is back too.
     */
    void failed(String operation, Throwable cause) {
        failedCalls.incrementAndGet();
        if (down.compareAndSet(false, true) && !sharedLost) {
            outages.incrementAndGet();
            LOG.log(Level.WARNING, "Redis is unavailable (" + operation + ": " + cause
                    + "); serving from the near cache and fallback leases until it is back");
        }
    }

    /** A connection dropped: down until a call or the reconnect says otherwise. */
    void lost(String what, boolean shared) {
        if (shared) {
            sharedLost = true;
        }
        if (down.compareAndSet(false, true)) {
            outages.incrementAndGet();
            LOG.log(Level.WARNING, "Redis is unavailable (" + what
                    + "); serving from the near cache and in-process leases until it is back");
        }
    }

    void skipped() {
        skippedCalls.incrementAndGet();
    }

    /** The shared command connection is connected again, or answered. */
    void sharedUp() {
        sharedLost = false;
        succeeded();
    }

    /** A call was answered, over a loop's own connection or one that does not say which. */
    void succeeded() {
        if (down.get() && down.compareAndSet(true, false)) {
            LOG.log(Level.INFO, "Redis is reachable again after {0} failed calls", failedCalls.get());
        }
    }

    public boolean isDown() {
        return down.get();
    }

    /** Redis calls that failed or timed out since start. */
    public long failedCalls() {
        return failedCalls.get();
    }

    /** Calls not even tried because Redis was down and another call was probing it. */
    public long skippedCalls() {
        return skippedCalls.get();
    }

    /** Times Redis went from reachable to unreachable since start. */
    public long outages() {
        return outages.get();
    }
}
