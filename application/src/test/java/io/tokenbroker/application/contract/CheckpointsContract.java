package io.tokenbroker.application.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenbroker.application.port.out.Checkpoints;
import io.tokenbroker.domain.audit.ChainHead;
import io.tokenbroker.domain.audit.Checkpoint;
import io.tokenbroker.domain.audit.SignedCheckpoint;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link Checkpoints} must do; {@link #newCheckpoints} returns one over empty storage. */
public abstract class CheckpointsContract {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private Checkpoints checkpoints;

    protected abstract Checkpoints newCheckpoints();

    @BeforeEach
    void create() {
        checkpoints = newCheckpoints();
    }

    private static SignedCheckpoint checkpoint(long seconds, Optional<String> signature) {
        ChainHead head = new ChainHead(ConnectionKey.of("acme", "crm"), 1, "0".repeat(64), seconds, "a".repeat(64));
        return new SignedCheckpoint(Checkpoint.of(T0.plusSeconds(seconds), "interval",
                signature.map(present -> "0123456789abcdef"), List.of(head)), signature);
    }

    @Test
    void theLatestIsTheNewestByCreationTimeAndReadsBackEqual() {
        assertEquals(Optional.empty(), checkpoints.latest());
        SignedCheckpoint newest = checkpoint(20, Optional.of("c2lnbmF0dXJl"));
        checkpoints.save(checkpoint(10, Optional.empty()));
        checkpoints.save(newest);
        checkpoints.save(checkpoint(15, Optional.empty()));

        assertEquals(Optional.of(newest), checkpoints.latest());
        SignedCheckpoint sameTimeLater = checkpoint(20, Optional.empty());
        checkpoints.save(sameTimeLater);
        assertEquals(Optional.of(sameTimeLater), checkpoints.latest(), "on equal times the one saved last");
    }

    @Test
    void removingOldCheckpointsKeepsTheNewestEvenWhenItIsOld() {
        checkpoints.save(checkpoint(10, Optional.empty()));
        checkpoints.save(checkpoint(20, Optional.empty()));

        assertEquals(1, checkpoints.removeBefore(T0.plusSeconds(15)));
        assertEquals(0, checkpoints.removeBefore(T0.plusSeconds(100)), "the newest stays");
        assertEquals(T0.plusSeconds(20), checkpoints.latest().orElseThrow().checkpoint().createdAt());
    }
}
