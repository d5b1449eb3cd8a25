package io.tokenbroker.domain.audit;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;
import java.util.Objects;

/**
 * A gap in a connection's chain: {@code count} attempts the log could not write (its queue was full, or the database
 * refused them), started between {@code startedAt} and {@code completedAt}. Recorded as a link of its own, so a loss
 * is visible in the chain instead of silent.
 */
public record DroppedAttempts(ConnectionKey connection, long count, Instant startedAt, Instant completedAt)
        implements ChainEntry {

    public DroppedAttempts {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(completedAt, "completedAt");
        if (count < 1) {
            throw new IllegalArgumentException("a gap holds at least one dropped attempt");
        }
        if (completedAt.isBefore(startedAt)) {
            throw new IllegalArgumentException("a gap cannot end before it starts");
        }
    }

    /** One gap holding both this one's attempts and {@code other}'s (of the same connection). */
    public DroppedAttempts and(DroppedAttempts other) {
        if (!other.connection.equals(connection)) {
            throw new IllegalArgumentException("gaps of different connections do not merge");
        }
        Instant first = other.startedAt.isBefore(startedAt) ? other.startedAt : startedAt;
        Instant last = other.completedAt.isAfter(completedAt) ? other.completedAt : completedAt;
        return new DroppedAttempts(connection, count + other.count, first, last);
    }
}
