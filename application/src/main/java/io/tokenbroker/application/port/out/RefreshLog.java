package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshPage;
import io.tokenbroker.domain.audit.RefreshTotals;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.List;
import java.util.Optional;

/** The audit trail of refresh attempts. Recording never fails the refresh it describes. */
public interface RefreshLog {

    void record(RefreshAttempt attempt);

    /** The newest attempts for a connection, newest first, at most {@code limit} (at least 1). */
    List<RefreshAttempt> recent(ConnectionKey key, int limit);

    /**
     * A page of the connection's history, newest first: the first page without a cursor, each following page with
     * the previous page's {@link RefreshPage#next()}. Attempts recorded after the first page was read do not shift
     * later pages.
     *
     * @param limit at least 1
     */
    RefreshPage history(ConnectionKey key, Optional<RefreshPage.Cursor> after, int limit);

    /** Totals over everything this log holds for the connection; zero counts for an unknown one. */
    RefreshTotals totals(ConnectionKey key);
}
