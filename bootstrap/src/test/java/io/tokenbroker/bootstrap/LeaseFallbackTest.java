package io.tokenbroker.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.inmemory.InMemoryConnections;
import io.tokenbroker.application.inmemory.InMemoryLockManager;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.application.port.out.StoreUnavailableException;
import io.tokenbroker.domain.connection.ClientAuthMethod;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.connection.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Which lease {@link LeaseFallback} hands out while Redis is down, over in-memory stand-ins (the PostgreSQL lease
 * itself is proven in {@code LeasesWhileRedisIsDownTest}): the durable one for a connection with a refresh token,
 * the in-process one for the others and whenever the durable store is unreachable too.
 */
class LeaseFallbackTest {

    private static final Duration TTL = Duration.ofSeconds(10);
    private static final ConnectionKey ROTATING = ConnectionKey.of("acme", "rotating");
    private static final ConnectionKey MACHINE = ConnectionKey.of("acme", "machine");

    private final InMemoryConnections connections = new InMemoryConnections();
    /** Fences from 1,000,000 on, so a test can tell its leases from the in-process ones. */
    private final LockManager durable = new InMemoryLockManager(key -> 1_000_000);
    private final AtomicBoolean durableDown = new AtomicBoolean();
    private final LockManager fallback = new LeaseFallback((key, ttl, wait) -> {
        if (durableDown.get()) {
            throw new StoreUnavailableException("database down", null);
        }
        return durable.acquire(key, ttl, wait);
    }, () -> connections, new InMemoryLockManager());

    LeaseFallbackTest() {
        connections.save(connection(ROTATING, Optional.of(Secret.of("rt"))));
        connections.save(connection(MACHINE, Optional.empty()));
    }

    private static Connection connection(ConnectionKey key, Optional<Secret> refreshToken) {
        return new Connection(key, ProviderType.OAUTH2, URI.create("https://idp.example/token"), Optional.of("id"),
                Optional.of(Secret.of("secret")), List.of(), ClientAuthMethod.CLIENT_SECRET_BASIC, refreshToken,
                Map.of());
    }

    @Test
    void aConnectionWithARefreshTokenTakesTheDurableLease() {
        try (Lease lease = fallback.acquire(ROTATING, TTL, Duration.ZERO).orElseThrow()) {
            assertTrue(lease.fence() > 1_000_000, "fence " + lease.fence());
            assertEquals(Optional.empty(), durable.acquire(ROTATING, TTL, Duration.ZERO), "not held durably");
        }
    }

    @Test
    void aBusyDurableLeaseIsNotReplacedByAnInProcessOne() {
        try (Lease elsewhere = durable.acquire(ROTATING, TTL, Duration.ZERO).orElseThrow()) {
            assertEquals(Optional.empty(), fallback.acquire(ROTATING, TTL, Duration.ZERO));
        }
    }

    @Test
    void aConnectionWithoutOneTakesTheInProcessLease() {
        try (Lease lease = fallback.acquire(MACHINE, TTL, Duration.ZERO).orElseThrow()) {
            assertTrue(lease.fence() < 1_000_000, "fence " + lease.fence());
            Optional<Lease> durably = durable.acquire(MACHINE, TTL, Duration.ZERO);
            assertTrue(durably.isPresent(), "held durably for nothing");
            durably.get().close();
        }
    }

    @Test
    void withTheDurableStoreDownTooEveryConnectionTakesTheInProcessLease() {
        durableDown.set(true);

        try (Lease lease = fallback.acquire(ROTATING, TTL, Duration.ZERO).orElseThrow()) {
            assertTrue(lease.fence() < 1_000_000, "fence " + lease.fence());
        }
        durableDown.set(false);
        try (Lease back = fallback.acquire(ROTATING, TTL, Duration.ZERO).orElseThrow()) {
            assertTrue(back.fence() > 1_000_000, "the durable lease again once its store is back");
        }
    }
}
