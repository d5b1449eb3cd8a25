package io.tokenbroker.bootstrap.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.endpoint.health.HealthLevelOfDetail;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.runtime.ApplicationConfiguration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The overall status whatever order the components answer in. Each component here answers at once, so the aggregator
 * receives them in the order given: the order a real database outage produced when the PostgreSQL component, refused
 * at once by the open breaker, answered before the others.
 */
class WorstStatusHealthAggregatorTest {

    private static final HealthStatus DEGRADED = PostgresHealthIndicator.DEGRADED;

    private final WorstStatusHealthAggregator aggregator =
            new WorstStatusHealthAggregator(new ApplicationConfiguration());

    @Test
    void aDegradedComponentDegradesTheWholeWhicheverAnswersLast() {
        assertEquals(DEGRADED, overall(DEGRADED, HealthStatus.UP, HealthStatus.UP));
        assertEquals(DEGRADED, overall(HealthStatus.UP, DEGRADED, HealthStatus.UP));
        assertEquals(DEGRADED, overall(HealthStatus.UP, HealthStatus.UP, DEGRADED));
    }

    @Test
    void aDownComponentOutweighsADegradedOne() {
        assertEquals(HealthStatus.DOWN, overall(HealthStatus.DOWN, DEGRADED, HealthStatus.UP));
        assertEquals(HealthStatus.DOWN, overall(DEGRADED, HealthStatus.UP, HealthStatus.DOWN));
        assertEquals(HealthStatus.DOWN, overall(HealthStatus.UP, HealthStatus.DOWN, DEGRADED));
    }

    @Test
    void componentsThatAreAllUpAreUp() {
        assertEquals(HealthStatus.UP, overall(HealthStatus.UP, HealthStatus.UP));
    }

    private HealthStatus overall(HealthStatus... answered) {
        HealthIndicator[] components = Arrays.stream(answered).map(WorstStatusHealthAggregatorTest::answering)
                .toArray(HealthIndicator[]::new);
        return Mono.from(aggregator.aggregate(components, HealthLevelOfDetail.STATUS)).block().getStatus();
    }

    private static HealthIndicator answering(HealthStatus status) {
        return () -> Mono.just(HealthResult.builder("component-" + status.getName(), status).build());
    }
}
