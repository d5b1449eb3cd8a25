package io.tokenbroker.application.port.in;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Refresh-ahead's background half: claims the connections whose refresh-ahead point has come (on a schedule every
 * instance may share) and renews them before any caller has to wait. A claim is exclusive, so one connection is
 * refreshed by one instance. Meant to be called on a timer; calling it more often only finds less to do.
 */
public interface RefreshDueConnections {

    /**
     * Claims due entries, as many as free worker slots allow, and hands each to a worker; returns at once.
     *
     * @return how many claims were handed to workers
     */
    int refreshDue();

    /** What the health check reports: never blocks on a store. */
    Status status();

    /**
     * @param inFlight refreshes running now in this instance
     * @param lastRun  when {@link #refreshDue} last started or finished (the start of the service before the first
     *                 call): a liveness heartbeat of whatever calls it
     * @param lastLag  how late the last claimed entry was taken; empty before the first claim
     */
    record Status(int inFlight, Instant lastRun, Optional<Duration> lastLag) {
        public Status {
            Objects.requireNonNull(lastRun, "lastRun");
            Objects.requireNonNull(lastLag, "lastLag");
        }
    }
}
