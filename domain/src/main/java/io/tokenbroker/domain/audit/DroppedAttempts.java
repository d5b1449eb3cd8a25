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

    /** This gap widened by one more dropped attempt that started at {@code at}. */
    public DroppedAttempts plus(long more, Instant at) {
        Instant first = at.isBefore(startedAt) ? at : startedAt;
        Instant last = at.isAfter(completedAt) ? at : completedAt;
        return new DroppedAttempts(connection, count + more, first, last);
    }
}
