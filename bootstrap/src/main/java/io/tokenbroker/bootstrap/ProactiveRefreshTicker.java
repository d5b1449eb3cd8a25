package io.tokenbroker.bootstrap;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import io.tokenbroker.application.port.in.RefreshDueConnections;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks for due refresh-ahead work on a timer; the work itself runs on the scheduler's own executor. Off with the
 * scheduler ({@code tokenbroker.scheduler.enabled=false}), or alone with {@code tokenbroker.scheduler.ticker.enabled=
 * false}: then tokens are still offered to the schedule, but nothing is refreshed in the background unless something
 * calls {@link RefreshDueConnections} (the end-to-end tests do, when they mean to).
 */
@Singleton
@Requires(property = "tokenbroker.scheduler.enabled", notEquals = "false")
@Requires(property = ProactiveRefreshTicker.ENABLED, notEquals = "false")
public class ProactiveRefreshTicker {

    /** Switches off only the ticker (and with it the liveness check of the ticker). */
    public static final String ENABLED = "tokenbroker.scheduler.ticker.enabled";

    private static final Logger LOG = LoggerFactory.getLogger(ProactiveRefreshTicker.class);

    private final RefreshDueConnections scheduler;

    public ProactiveRefreshTicker(RefreshDueConnections scheduler) {
        this.scheduler = scheduler;
    }

    // The first tick one period after start, not during it: nothing is due before the first request, and a test
    // that sets a long tick to drive the scheduler itself gets no tick racing its own.
    @Scheduled(fixedDelay = "${tokenbroker.scheduler.tick:1s}", initialDelay = "${tokenbroker.scheduler.tick:1s}")
    void tick() {
        try {
            scheduler.refreshDue();
        } catch (RuntimeException failed) {
            // A throwing task would be logged by the framework anyway; this says what stopped, and the next tick
            // tries again.
            LOG.error("looking for due proactive refreshes failed", failed);
        }
    }
}
