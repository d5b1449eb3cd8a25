package io.tokenbroker.bootstrap;

import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.StoreUnavailableException;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease while Redis is unreachable (handed to the Redis lock manager, which asks it with this process's lease
 * held): a connection with a refresh token, which its provider may rotate, takes the durable lease (PostgreSQL), so
 * two instances never present one refresh token at once; every other connection, and every connection while the
 * durable store is unreachable too, takes the in-process one. A connection without a refresh token loses nothing
 * by being refreshed once per instance, and would hold a pool connection for nothing.
 *
 * <p>A durable lease that is not granted within the wait is not replaced by an in-process one: the caller gets the
 * same retryable answer as when Redis's lease is busy.
 */
final class LeaseFallback implements LockManager {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseFallback.class);

    private final LockManager durable;
    private final Supplier<Connections> connections;
    private final LockManager inProcess;
    private final AtomicBoolean durableDown = new AtomicBoolean();

    /**
     * @param durable     leases shared through the database
     * @param connections tells which connections have a refresh token; looked up on first use, since the vault's
     *                    adapter may itself depend on Redis, whose adapters are built with this fallback
     * @param inProcess   fences for leases this process alone excludes others from
     */
    LeaseFallback(LockManager durable, Supplier<Connections> connections, LockManager inProcess) {
        this.durable = Objects.requireNonNull(durable, "durable");
        this.connections = Objects.requireNonNull(connections, "connections");
        this.inProcess = Objects.requireNonNull(inProcess, "inProcess");
    }

    @Override
    public Optional<Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait) {
        try {
            if (mayRotate(key)) {
                Optional<Lease> lease = durable.acquire(key, ttl, maxWait);
                if (durableDown.compareAndSet(true, false)) {
                    LOG.info("leases go through PostgreSQL again while Redis is down");
                }
                return lease;
            }
        } catch (StoreUnavailableException down) {
            if (durableDown.compareAndSet(false, true)) {
                LOG.warn("PostgreSQL is unreachable too ({}): leases are in-process only until one of them is back; "
                        + "instances may present a rotating refresh token at once", down.getMessage());
            }
        }
        return inProcess.acquire(key, ttl, maxWait);
    }

    private boolean mayRotate(ConnectionKey key) {
        return connections.get().find(key).map(connection -> connection.refreshToken().isPresent()).orElse(false);
    }
}
