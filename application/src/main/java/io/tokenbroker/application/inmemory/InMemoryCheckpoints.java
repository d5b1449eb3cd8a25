package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.port.out.Checkpoints;
import io.tokenbroker.domain.audit.SignedCheckpoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The embedded default's checkpoints: in process memory, like the log they vouch for. */
public final class InMemoryCheckpoints implements Checkpoints {

    private final List<SignedCheckpoint> kept = new ArrayList<>();

    @Override
    public synchronized void save(SignedCheckpoint checkpoint) {
        kept.add(checkpoint);
    }

    @Override
    public synchronized Optional<SignedCheckpoint> latest() {
        SignedCheckpoint newest = null;
        for (SignedCheckpoint signed : kept) {
            // On equal times the one saved later wins, as in PostgreSQL (ordered by id after time).
            if (newest == null || !signed.checkpoint().createdAt().isBefore(newest.checkpoint().createdAt())) {
                newest = signed;
            }
        }
        return Optional.ofNullable(newest);
    }

    @Override
    public synchronized long removeBefore(Instant cutoff) {
        Optional<SignedCheckpoint> newest = latest();
        int before = kept.size();
        kept.removeIf(signed -> signed.checkpoint().createdAt().isBefore(cutoff) && !newest.get().equals(signed));
        return before - kept.size();
    }
}
