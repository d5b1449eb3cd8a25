package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.port.out.Checkpoints;
import io.tokenbroker.domain.audit.SignedCheckpoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
        return kept.stream().max(Comparator.comparing(signed -> signed.checkpoint().createdAt()));
    }

    @Override
    public synchronized long removeBefore(Instant cutoff) {
        Optional<SignedCheckpoint> newest = latest();
        int before = kept.size();
        kept.removeIf(signed -> signed.checkpoint().createdAt().isBefore(cutoff) && !newest.get().equals(signed));
        return before - kept.size();
    }
}
