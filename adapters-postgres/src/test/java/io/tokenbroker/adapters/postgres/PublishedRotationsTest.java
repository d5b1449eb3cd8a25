package io.tokenbroker.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.port.out.RotationSlots;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Published rotations (what the vault stored, for instances serving from memory during an outage) are sealed, bound
 * to their connection and fence under a binding of their own: a published slot copied into a pending one, or to
 * another connection, does not open.
 */
class PublishedRotationsTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final ConnectionKey OTHER = ConnectionKey.of("acme", "erp");

    private final AesGcmSeals cipher = EmbeddedDatabase.cipher(EmbeddedDatabase.randomRing("k1"), "k1");
    private final MemorySlots place = new MemorySlots();
    private final DurableRotations rotations = new DurableRotations(List.of(place), cipher);

    @Test
    void theNewestPublishedRotationIsReadBackSealed() {
        rotations.publish(KEY, Secret.of("rt-seven"), Optional.empty(), 7).join();
        rotations.publish(KEY, Secret.of("rt-six"), Optional.empty(), 6).join();

        DurableRotations.Held held = rotations.published(KEY).orElseThrow();
        assertEquals(7, held.fence());
        assertEquals("rt-seven", held.refreshToken().reveal());
        assertFalse(new String(place.published.get(KEY).refreshToken().bytes(), StandardCharsets.ISO_8859_1)
                .contains("rt-seven"), "sealed, not plaintext");
    }

    @Test
    void aPublishedSlotCopiedElsewhereDoesNotOpen() {
        rotations.publish(KEY, Secret.of("rt-seven"), Optional.empty(), 7).join();
        RotationSlots.Slot copied = place.published.get(KEY);

        place.held.put(KEY, copied);
        place.published.put(OTHER, copied);

        assertTrue(rotations.newest(KEY).isEmpty(), "not a pending rotation");
        assertTrue(rotations.published(OTHER).isEmpty(), "not another connection's");
    }

    @Test
    void withdrawnWhenAsked() {
        rotations.publish(KEY, Secret.of("rt-seven"), Optional.empty(), 7).join();
        rotations.unpublish(KEY).join();

        assertTrue(rotations.published(KEY).isEmpty());
    }

    /** One place in memory, as Redis keeps it: highest fence wins on publish. */
    private static final class MemorySlots implements RotationSlots {
        final Map<ConnectionKey, Slot> held = new HashMap<>();
        final Map<ConnectionKey, Slot> published = new HashMap<>();

        @Override
        public void hold(ConnectionKey key, Slot slot) {
            held.merge(key, slot, (old, given) -> given.fence() > old.fence() ? given : old);
        }

        @Override
        public Optional<Slot> find(ConnectionKey key) {
            return Optional.ofNullable(held.get(key));
        }

        @Override
        public List<ConnectionKey> held() {
            return List.copyOf(held.keySet());
        }

        @Override
        public void release(ConnectionKey key, long fence) {
            held.computeIfPresent(key, (k, slot) -> slot.fence() <= fence ? null : slot);
        }

        @Override
        public CompletionStage<Void> publish(ConnectionKey key, Slot slot) {
            published.merge(key, slot, (old, given) -> given.fence() > old.fence() ? given : old);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Optional<Slot> published(ConnectionKey key) {
            return Optional.ofNullable(published.get(key));
        }

        @Override
        public CompletionStage<Void> unpublish(ConnectionKey key) {
            published.remove(key);
            return CompletableFuture.completedFuture(null);
        }
    }
}
