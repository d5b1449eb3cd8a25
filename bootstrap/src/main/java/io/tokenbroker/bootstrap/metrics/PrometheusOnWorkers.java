package io.tokenbroker.bootstrap.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.configuration.metrics.micrometer.prometheus.management.PrometheusEndpoint;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.management.endpoint.annotation.Endpoint;
import io.micronaut.management.endpoint.annotation.Read;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * {@code /prometheus} scraped on a worker thread instead of the event loop that received it. A scrape reads every
 * gauge, and some read the stores: the refresh-ahead schedule's size and, while this instance has circuits open,
 * the shared circuits are Redis calls that wait for their reply, and their connections are PostgreSQL reads. Lettuce
 * shares the server's event loops, so such a call waiting on one could be waiting for a reply only that loop can
 * read (the Redis adapters refuse it there, and the gauge would read 0). Same id, settings and answer as
 * micronaut-micrometer's endpoint, which it replaces.
 */
@Endpoint(PrometheusEndpoint.ID)
@Replaces(PrometheusEndpoint.class)
@Requires(beans = PrometheusMeterRegistry.class)
public class PrometheusOnWorkers extends PrometheusEndpoint {

    private static final String TEXT_FORMAT = "text/plain; version=0.0.4";

    public PrometheusOnWorkers(PrometheusMeterRegistry registry) {
        super(registry);
    }

    @Override
    @Read(produces = TEXT_FORMAT)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public String scrape() {
        return super.scrape();
    }
}
