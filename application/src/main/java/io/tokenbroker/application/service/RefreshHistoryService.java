package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.ReadRefreshHistory;
import io.tokenbroker.application.port.out.RefreshLog;

/** Reads the refresh log as it is; the page and the totals are two reads, so a row may land between them. */
public final class RefreshHistoryService implements ReadRefreshHistory {

    private final RefreshLog refreshLog;

    public RefreshHistoryService(RefreshLog refreshLog) {
        this.refreshLog = refreshLog;
    }

    @Override
    public History history(Query query) {
        return StoreOutages.translated(() -> {
            return new History(refreshLog.history(query.key(), query.after(), query.limit()),
                    refreshLog.totals(query.key()));
        });
    }
}
