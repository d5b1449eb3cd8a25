package io.tokenbroker.domain.audit;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Instant;

/** What one link of a connection's audit chain records: an attempt, or attempts the log had to drop. */
public sealed interface ChainEntry permits RefreshAttempt, DroppedAttempts {

    ConnectionKey connection();

    Instant startedAt();

    Instant completedAt();
}
