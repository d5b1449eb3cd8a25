package io.tokenbroker.bootstrap;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import io.tokenbroker.application.service.ProactiveRefreshService;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Looks for due refresh-ahead work on a timer; the work itself runs on the scheduler's own executor. */
@Singleton
@Requires(property = "tokenbroker.scheduler.enabled", notEquals = "false")
public class ProactiveRefreshTicker {

    private static final Logger LOG = LoggerFactory.getLogger(ProactiveRefreshTicker.class);

    private final ProactiveRefreshService scheduler;

    public ProactiveRefreshTicker(ProactiveRefreshService scheduler) {
        this.scheduler = scheduler;
    }

    // The first tick one period after start, not during it: nothing is due before the first request, and a test
    // that sets a long tick to drive the scheduler itself gets no tick racing its own.
    @Scheduled(fixedDelay = "${tokenbroker.scheduler.tick:1s}", initialDelay = "${tokenbroker.scheduler.tick:1s}")
    void tick() {
        try {
            scheduler.runDue();
        } catch (RuntimeException failed) {
            // A throwing task would be logged by the framework anyway; this says what stopped, and the next tick
            // tries again.
            LOG.error("looking for due proactive refreshes failed", failed);
        }
    }
}
