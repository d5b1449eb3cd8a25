package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.audit.RefreshPage;
import io.tokenbroker.domain.audit.RefreshTotals;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.Objects;
import java.util.Optional;

/**
 * A connection's refresh history for auditors, newest first, a page at a time, with totals over all of it. The
 * history outlives the connection: a removed connection's rows can still be read.
 */
public interface ReadRefreshHistory {

    History history(Query query);

    /**
     * @param after the previous page's {@link RefreshPage#next()}; empty for the newest page
     * @param limit 1 to {@link #MAX_LIMIT}
     */
    record Query(ConnectionKey key, Optional<RefreshPage.Cursor> after, int limit) {
        public static final int MAX_LIMIT = 1_000;

        public Query {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(after, "after");
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
            }
        }
    }

    record History(RefreshPage page, RefreshTotals totals) {
        public History {
            Objects.requireNonNull(page, "page");
            Objects.requireNonNull(totals, "totals");
        }
    }
}
