package io.tokenbroker.application.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.port.out.RotationSlots;
import io.tokenbroker.application.port.out.RotationSlots.Slot;
import io.tokenbroker.application.port.out.Sealed;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every durable {@link RotationSlots} place must do: keep a slot as it was given, let the highest fence win
 * whatever the order of the writers, release only up to the fence it is told, and list what it holds. A second handle
 * on the same place (another instance, or this one after a restart) sees the same slots.
 */
public abstract class RotationSlotsContract {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final ConnectionKey OTHER = ConnectionKey.of("acme", "erp.eu-1");

    private RotationSlots slots;

    /** A fresh, empty place; called once per test. */
    protected abstract RotationSlots slots();

    /** Another handle on the place {@link #slots()} returned, as a restarted or another instance would open it. */
    protected abstract RotationSlots reopened();

    @BeforeEach
    void create() {
        slots = slots();
    }

    @Test
    void aHeldSlotIsFoundAsItWasGivenAlsoThroughAnotherHandle() {
        Slot slot = slot(7, Optional.of(Instant.parse("2027-01-01T00:00:00Z")));
        slots.hold(KEY, slot);

        assertSame(slot, slots.find(KEY).orElseThrow());
        assertSame(slot, reopened().find(KEY).orElseThrow());
        assertEquals(List.of(KEY), reopened().held());
        assertTrue(slots.find(OTHER).isEmpty());
    }

    @Test
    void theHighestFenceWinsWhateverTheOrder() {
        slots.hold(KEY, slot(9, Optional.empty()));
        slots.hold(KEY, slot(8, Optional.empty()));
        assertEquals(9, slots.find(KEY).orElseThrow().fence());

        slots.hold(KEY, slot(10, Optional.empty()));
        assertEquals(10, slots.find(KEY).orElseThrow().fence());
    }

    @Test
    void releaseDropsOnlyUpToItsFence() {
        slots.hold(KEY, slot(12, Optional.empty()));
        slots.release(KEY, 11);
        assertEquals(12, slots.find(KEY).orElseThrow().fence(), "a newer slot than the one written back stays");

        slots.release(KEY, 12);
        assertTrue(slots.find(KEY).isEmpty());
        assertTrue(slots.held().isEmpty());
    }

    @Test
    void eachConnectionHasItsOwnSlot() {
        slots.hold(KEY, slot(3, Optional.empty()));
        slots.hold(OTHER, slot(2, Optional.empty()));

        assertEquals(3, slots.find(KEY).orElseThrow().fence());
        assertEquals(2, slots.find(OTHER).orElseThrow().fence());
        assertEquals(2, slots.held().size());
    }

    private static Slot slot(long fence, Optional<Instant> expiresAt) {
        return new Slot(new Sealed("k1", ("sealed-" + fence).getBytes(StandardCharsets.UTF_8)), expiresAt, fence);
    }

    private static void assertSame(Slot expected, Slot actual) {
        assertEquals(expected.refreshToken(), actual.refreshToken());
        assertEquals(expected.expiresAt(), actual.expiresAt());
        assertEquals(expected.fence(), actual.fence());
    }
}
