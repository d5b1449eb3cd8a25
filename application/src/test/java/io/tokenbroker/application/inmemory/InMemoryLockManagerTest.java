package io.tokenbroker.application.inmemory;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.contract.LockManagerContract;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InMemoryLockManagerTest extends LockManagerContract {

    @Override
    protected LockManager newLockManager() {
        return new InMemoryLockManager();
    }

    @Test
    void aRestartedProcessHandsOutFencesAboveTheLastStoredRotation() {
        ConnectionKey key = ConnectionKey.of("acme", "crm");
        InMemoryConnections durable = new InMemoryConnections();
        durable.save(aConnection().withKey(key).withRefreshToken("rt-0").build());
        durable.saveRotation(key, Secret.of("rt-41"), Optional.empty(), 41);

        LockManager afterRestart = new InMemoryLockManager(durable::highestFence);

        try (Lease lease = afterRestart.acquire(key, Duration.ofSeconds(30), Duration.ZERO).orElseThrow()) {
            assertEquals(42, lease.fence());
            assertTrue(durable.saveRotation(key, Secret.of("rt-42"), Optional.empty(), lease.fence()),
                    "the first rotation after the restart is written");
        }
    }
}
