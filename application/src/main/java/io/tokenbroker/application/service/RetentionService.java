package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.EnforceRetention;
import io.tokenbroker.application.port.in.TakeCheckpoint;
import io.tokenbroker.application.port.out.Checkpoints;
import io.tokenbroker.application.port.out.RefreshLog;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Removes what is past the retention, then signs a checkpoint at the cut: it records each chain's new start, so the
 * rest verifies and a row removed below the cut later is still caught. Checkpoints older than the retention go too,
 * except the newest.
 */
public final class RetentionService implements EnforceRetention {

    private final RefreshLog log;
    private final Checkpoints checkpoints;
    private final TakeCheckpoint checkpoint;
    private final Clock clock;
    private final AuditSettings settings;

    public RetentionService(RefreshLog log, Checkpoints checkpoints, TakeCheckpoint checkpoint, Clock clock,
                            AuditSettings settings) {
        this.log = Objects.requireNonNull(log, "log");
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
        this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public OptionalLong enforce() {
        return StoreOutages.translated(() -> {
            Instant cutoff = clock.instant().minus(settings.retention());
            OptionalLong removed = log.removeBefore(cutoff);
            if (removed.isPresent()) {
                // Only a cut moves a chain's start; without one, the last checkpoint still says all there is.
                if (removed.getAsLong() > 0) {
                    checkpoint.take(TakeCheckpoint.RETENTION);
                }
                checkpoints.removeBefore(cutoff);
            }
            return removed;
        });
    }
}
