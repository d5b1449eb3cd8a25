package io.tokenbroker.adapters.postgres;

import io.tokenbroker.application.port.out.Checkpoints;
import io.tokenbroker.domain.audit.Checkpoint;
import io.tokenbroker.domain.audit.SignedCheckpoint;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checkpoints in PostgreSQL, beside the log they vouch for. The signed text is stored verbatim and parsed back, so
 * what is verified is byte for byte what was signed; a row whose text is no checkpoint reads as a checkpoint signed by
 * nobody, which verification then refuses.
 */
public final class JdbcCheckpoints implements Checkpoints {

    private final CheckpointRepository rows;

    public JdbcCheckpoints(CheckpointRepository rows) {
        this.rows = Objects.requireNonNull(rows, "rows");
    }

    @Override
    public void save(SignedCheckpoint checkpoint) {
        Storage.run("saving an audit checkpoint", () -> rows.save(new CheckpointRow(null,
                checkpoint.checkpoint().createdAt(), checkpoint.checkpoint().body(),
                checkpoint.signature().orElse(null))));
    }

    @Override
    public Optional<SignedCheckpoint> latest() {
        return Storage.call("reading the newest audit checkpoint", rows::latest).map(JdbcCheckpoints::signed);
    }

    @Override
    public long removeBefore(Instant cutoff) {
        return Storage.call("removing audit checkpoints before " + cutoff, () -> rows.deleteBefore(cutoff));
    }

    private static SignedCheckpoint signed(CheckpointRow row) {
        Optional<String> signature = Optional.ofNullable(row.signature());
        try {
            return new SignedCheckpoint(Checkpoint.parse(row.body()), signature);
        } catch (IllegalArgumentException notACheckpoint) {
            // Keeps the row's time and a key id no key has, so the signature check fails and says so.
            return new SignedCheckpoint(new Checkpoint(row.createdAt(), "unreadable", Optional.of("0".repeat(16)),
                    List.of()), Optional.of(signature.orElse("")));
        }
    }
}
