package io.tokenbroker.adapters.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.contract.RotationSlotsContract;
import io.tokenbroker.application.port.out.RotationSlots;
import io.tokenbroker.application.port.out.RotationSlots.Slot;
import io.tokenbroker.application.port.out.Sealed;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pending rotations in a real Redis; a second instance's adapters see the same slots. Published rotations (what the
 * vault stored, for instances serving from memory in an outage) live beside them without touching them.
 */
class RedisRotationSlotsTest extends RotationSlotsContract {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");

    @RegisterExtension
    static final RedisPerClass REDIS = new RedisPerClass();
    private RedisFixture fixture;

    @Override
    protected RotationSlots slots() {
        fixture = REDIS.freshFixture();
        return fixture.adapters(Clock.systemUTC(), "first").rotationSlots();
    }

    @Override
    protected RotationSlots reopened() {
        return fixture.adapters(Clock.systemUTC(), "second").rotationSlots();
    }

    @Test
    void thePublishedRotationWithTheHighestFenceIsSeenByAnotherInstance() {
        RotationSlots first = reopened();
        RotationSlots second = reopened();

        first.publish(KEY, slot(9)).toCompletableFuture().join();
        second.publish(KEY, slot(8)).toCompletableFuture().join();
        assertEquals(9, second.published(KEY).orElseThrow().fence(), "a late writer with a lower fence loses");
        assertEquals(slot(9).refreshToken(), second.published(KEY).orElseThrow().refreshToken());

        second.publish(KEY, slot(10)).toCompletableFuture().join();
        assertEquals(10, first.published(KEY).orElseThrow().fence());
    }

    @Test
    void aPublishedRotationIsNeitherPendingNorListedAndCanBeWithdrawn() {
        RotationSlots slots = reopened();
        slots.publish(KEY, slot(4)).toCompletableFuture().join();

        assertTrue(slots.find(KEY).isEmpty(), "not a pending rotation: nothing to write back");
        assertTrue(slots.held().isEmpty());

        slots.hold(KEY, slot(5));
        slots.release(KEY, 5);
        assertEquals(4, slots.published(KEY).orElseThrow().fence(), "releasing a pending slot leaves it");

        slots.unpublish(KEY).toCompletableFuture().join();
        assertTrue(slots.published(KEY).isEmpty());
    }

    private static Slot slot(long fence) {
        return new Slot(new Sealed("k1", ("published-" + fence).getBytes(StandardCharsets.UTF_8)), Optional.empty(),
                fence);
    }
}
