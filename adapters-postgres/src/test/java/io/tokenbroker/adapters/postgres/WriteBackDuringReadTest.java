package io.tokenbroker.adapters.postgres;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.port.out.RotationSlots;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rotation held durably during a database outage is written back by another instance while this one reads the
 * connection: the write-back stores the row, then releases the slot. Whenever it falls between this reader's two
 * reads, the reader must come away with the rotated refresh token, never the row's superseded one (which the
 * provider refuses: {@code invalid_grant}, a connection lost to re-authorisation although its token was safe).
 */
class WriteBackDuringReadTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    private static final String RING = EmbeddedDatabase.randomRing("k1");

    @TempDir
    Path directory;
    private final AesGcmSeals cipher = EmbeddedDatabase.cipher(RING, "k1");

    @BeforeEach
    void truncate() {
        EmbeddedDatabase.truncate(EmbeddedDatabase.shared());
    }

    private JdbcConnections instance(RotationSlots place) {
        return new JdbcConnections(EmbeddedDatabase.bean(ConnectionRepository.class), cipher, Clock.systemUTC(),
                DatabaseBreaker.withDefaults(Clock.systemUTC()), List.of(place), 100);
    }

    @Test
    void aWriteBackBetweenTheReadsLeavesTheReaderTheRotatedToken() {
        RotationSlots shared = new FileRotationSlots(directory.resolve("pending"));
        JdbcConnections writer = instance(shared);
        AtomicReference<Runnable> onFirstSlotRead = new AtomicReference<>(() -> writer.flushPending());
        JdbcConnections reader = instance(new InterleavingSlots(shared, onFirstSlotRead));
        writer.save(aConnection().withKey(KEY).withRefreshToken("rt-0").build());
        // What an instance killed during the outage left behind: its rotation, held durably and not written back.
        new DurableRotations(List.of(shared), cipher).hold(KEY, Secret.of("rt-7"), Optional.empty(), 7);

        Secret read = reader.find(KEY).orElseThrow().refreshToken().orElseThrow();

        assertTrue(shared.find(KEY).isEmpty(), "the write-back ran while the reader read");
        assertEquals(Secret.of("rt-7"), read, "the reader kept the superseded refresh token");
        assertEquals(Secret.of("rt-7"), writer.find(KEY).orElseThrow().refreshToken().orElseThrow());
    }

    @Test
    void theHighestFenceCountsAWriteBackBetweenTheReads() {
        RotationSlots shared = new FileRotationSlots(directory.resolve("pending"));
        JdbcConnections writer = instance(shared);
        JdbcConnections reader = instance(new InterleavingSlots(shared,
                new AtomicReference<>(() -> writer.flushPending())));
        writer.save(aConnection().withKey(KEY).withRefreshToken("rt-0").build());
        new DurableRotations(List.of(shared), cipher).hold(KEY, Secret.of("rt-7"), Optional.empty(), 7);

        assertEquals(7, reader.highestFence(KEY));
    }

    /** A durable place whose first read of a slot lets another instance's write-back run just before it answers. */
    private record InterleavingSlots(RotationSlots place, AtomicReference<Runnable> beforeFirstRead)
            implements RotationSlots {

        @Override
        public Optional<Slot> find(ConnectionKey key) {
            Runnable writeBack = beforeFirstRead.getAndSet(() -> { });
            writeBack.run();
            return place.find(key);
        }

        @Override
        public void hold(ConnectionKey key, Slot slot) {
            place.hold(key, slot);
        }

        @Override
        public List<ConnectionKey> held() {
            return place.held();
        }

        @Override
        public void release(ConnectionKey key, long fence) {
            place.release(key, fence);
        }
    }
}
