package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.List;

/** The audit trail of refresh attempts. Recording never fails the refresh it describes. */
public interface RefreshLog {

    void record(RefreshAttempt attempt);

    /** The newest attempts for a connection, newest first, at most {@code limit} (at least 1). */
    List<RefreshAttempt> recent(ConnectionKey key, int limit);
}
