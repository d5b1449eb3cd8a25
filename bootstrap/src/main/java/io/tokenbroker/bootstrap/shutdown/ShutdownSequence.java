package io.tokenbroker.bootstrap.shutdown;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ShutdownEvent;
import io.tokenbroker.adapters.postgres.JdbcRefreshLog;
import io.tokenbroker.application.service.ApiKeyService;
import io.tokenbroker.bootstrap.AdapterSelection;
import io.tokenbroker.bootstrap.AdapterSelection.Adapter;
import io.tokenbroker.bootstrap.AdapterSelection.Port;
import io.tokenbroker.bootstrap.config.ShutdownConfiguration;
import io.tokenbroker.bootstrap.metrics.MeteredConnectionEvents;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stopping instance does before its beans are destroyed, however it stops (SIGTERM after {@link SigtermDrain},
 * SIGINT, a closed context): readiness down if it is not yet; every lease it holds released, so waiters on other
 * instances proceed at once instead of after a ttl; the API keys' last-used instants written; the refresh log's
 * queue written (within {@code tokenbroker.shutdown.flush}); webhook deliveries finished (within their shutdown
 * grace). What could not be written or delivered is counted in one log line. Runs on the first {@link ShutdownEvent},
 * which the context publishes before it destroys anything, so the pool, Redis and the HTTP client are still there.
 */
@Singleton
final class ShutdownSequence implements ApplicationEventListener<ShutdownEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSequence.class);

    private final Draining draining;
    private final HeldLeases leases;
    private final ApiKeyService apiKeys;
    private final BeanProvider<JdbcRefreshLog> refreshLog;
    private final MeteredConnectionEvents events;
    private final AdapterSelection selection;
    private final ShutdownConfiguration config;

    ShutdownSequence(Draining draining, HeldLeases leases, ApiKeyService apiKeys,
                     BeanProvider<JdbcRefreshLog> refreshLog, MeteredConnectionEvents events,
                     AdapterSelection selection, ShutdownConfiguration config) {
        this.draining = draining;
        this.leases = leases;
        this.apiKeys = apiKeys;
        this.refreshLog = refreshLog;
        this.events = events;
        this.selection = selection;
        this.config = config;
    }

    @Override
    public void onApplicationEvent(ShutdownEvent event) {
        draining.begin();
        int released = leases.releaseAll();
        int keys = apiKeys.flushUsage();
        long rows = flushRefreshLog();
        events.close();
        long webhooks = events.webhooksLostAtShutdown();
        if (keys + rows + webhooks > 0) {
            LOG.warn("stopped: released {} leases; not written: {} refresh-log rows, {} API keys' last use; {} webhook "
                    + "events undelivered", released, rows, keys, webhooks);
        } else {
            LOG.info("stopped: released {} leases; refresh log, API keys' last use and webhooks flushed", released);
        }
    }

    private long flushRefreshLog() {
        if (selection.of(Port.REFRESH_LOG) != Adapter.POSTGRES) {
            return 0;
        }
        JdbcRefreshLog log = refreshLog.get();
        log.flush(config.flush());
        return log.unwritten();
    }
}
