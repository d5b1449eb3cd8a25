package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.contract.RefreshScheduleContract;
import io.tokenbroker.application.port.out.RefreshSchedule;

class InMemoryRefreshScheduleTest extends RefreshScheduleContract {

    private InMemoryRefreshSchedule schedule;

    @Override
    protected RefreshSchedule newSchedule() {
        schedule = new InMemoryRefreshSchedule();
        return schedule;
    }

    /** One process has one schedule: a second "instance" is the same object. */
    @Override
    protected RefreshSchedule sameStorage() {
        return schedule;
    }
}
