package io.tokenbroker.bootstrap.health;

import io.micronaut.core.async.publisher.AsyncSingleResultPublisher;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A health component whose status and details come from one {@link Reading} per check, so concurrent {@code /health}
 * requests cannot mix them. Micronaut's {@code AbstractHealthIndicator} keeps the status in a field the check sets
 * and reads it back after the details are built: a second request checking in between lent the first one its status
 * (a DOWN reported with details that said all was well, or UP with details that said stuck).
 *
 * <p>Otherwise as Micronaut's: the check runs on the executor given (the blocking one) when the result is subscribed
 * to, and a check that throws makes the component DOWN with an {@code error} detail and logs the exception. That
 * detail names the exception class only: its message may come from a driver and quote what the driver was given,
 * and details are served over HTTP.
 */
public abstract class StatelessHealthIndicator implements HealthIndicator {

    private static final Logger LOG = LoggerFactory.getLogger(StatelessHealthIndicator.class);

    private final String name;
    private final ExecutorService executor;

    protected StatelessHealthIndicator(String name, ExecutorService executor) {
        this.name = Objects.requireNonNull(name, "name");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** One check: called once per {@code /health} request that includes this component, possibly at once. */
    protected abstract Reading read();

    @Override
    public final Publisher<HealthResult> getResult() {
        return new AsyncSingleResultPublisher<>(executor, this::check);
    }

    private HealthResult check() {
        try {
            Reading reading = read();
            return HealthResult.builder(name, reading.status()).details(reading.details()).build();
        } catch (RuntimeException e) {
            LOG.error("the {} health check failed; the component reports DOWN", name, e);
            return HealthResult.builder(name, HealthStatus.DOWN)
                    .details(Map.of("error", e.getClass().getName())).build();
        }
    }

    /** A component's status and the details it was computed from, taken together; details keep their order. */
    protected record Reading(HealthStatus status, Map<String, Object> details) {
        public Reading {
            Objects.requireNonNull(status, "status");
            details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }
}
