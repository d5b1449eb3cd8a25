package io.tokenbroker.application.service;

import java.time.Duration;
import java.util.Objects;

/**
 * @param checkpointInterval how often a checkpoint is signed
 * @param retention          how long refresh-log rows are kept
 * @param startMoves         the log drops its oldest links by itself (the embedded default's per-connection
 *                           capacity), so a chain's start may move without retention; then a checkpoint vouches for
 *                           the links from wherever the chain starts now up to its head, and a removed prefix goes
 *                           unnoticed. False for PostgreSQL, where only retention may move a start
 */
public record AuditSettings(Duration checkpointInterval, Duration retention, boolean startMoves) {

    public AuditSettings {
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        Objects.requireNonNull(retention, "retention");
        if (checkpointInterval.isNegative() || checkpointInterval.isZero() || retention.isNegative()
                || retention.isZero()) {
            throw new IllegalArgumentException("the checkpoint interval and the retention must be positive");
        }
    }

    public static AuditSettings defaults() {
        return new AuditSettings(Duration.ofMinutes(5), Duration.ofDays(400), false);
    }
}
