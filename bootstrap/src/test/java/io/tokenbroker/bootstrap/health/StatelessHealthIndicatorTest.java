package io.tokenbroker.bootstrap.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** A component's result as Micronaut's own indicators give it, a check that throws included. */
class StatelessHealthIndicatorTest {

    private final ExecutorService blocking = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopThread() {
        blocking.shutdownNow();
    }

    @Test
    void aReadingBecomesTheComponentsResult() {
        HealthResult result = check(() -> new StatelessHealthIndicator.Reading(HealthStatus.UP, Map.of("seen", 1)));

        assertEquals("probe", result.getName());
        assertEquals(HealthStatus.UP, result.getStatus());
        assertEquals(Map.of("seen", 1), result.getDetails());
    }

    @Test
    void aCheckThatThrowsIsDownAndNamesTheExceptionButNotItsMessage() {
        HealthResult result = check(() -> {
            throw new IllegalStateException("whatever the driver quoted");
        });

        assertEquals(HealthStatus.DOWN, result.getStatus());
        assertEquals(Map.of("error", IllegalStateException.class.getName()), result.getDetails());
    }

    private HealthResult check(Supplier<StatelessHealthIndicator.Reading> reading) {
        StatelessHealthIndicator probe = new StatelessHealthIndicator("probe", blocking) {
            @Override
            protected Reading read() {
                return reading.get();
            }
        };
        return Mono.from(probe.getResult()).block();
    }
}
