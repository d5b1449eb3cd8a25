package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.contract.RefreshScheduleContract;
import io.tokenbroker.application.port.out.RefreshSchedule;

class InMemoryRefreshScheduleTest extends RefreshScheduleContract {

    @Override
    protected RefreshSchedule newSchedule() {
        return new InMemoryRefreshSchedule();
    }
}
