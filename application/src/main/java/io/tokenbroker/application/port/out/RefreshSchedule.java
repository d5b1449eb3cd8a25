package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * When each connection's token should be renewed ahead of need. One entry per connection; scheduling again replaces
 * it. Claiming removes what it returns, atomically, so two claimers never get the same entry. Safe for concurrent use.
 */
public interface RefreshSchedule {

    /** @param failures proactive refreshes of this connection that failed in a row, for backoff */
    record Entry(ConnectionKey key, Instant due, int failures) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(due, "due");
            if (failures < 0) {
                throw new IllegalArgumentException("failures must not be negative");
            }
        }
    }

    /** Puts the connection's entry, replacing any earlier one. */
    void schedule(Entry entry);

    /** Takes the entries due at {@code now} (due not after it), soonest first, at most {@code max} (at least 1). */
    List<Entry> claimDue(Instant now, int max);

    /** Drops the connection's entry; a no-op when there is none. */
    void remove(ConnectionKey key);

    /** How many entries wait, due or not. */
    int size();
}
