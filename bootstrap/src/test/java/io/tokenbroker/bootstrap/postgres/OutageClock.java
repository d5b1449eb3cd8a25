package io.tokenbroker.bootstrap.postgres;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.tokenbroker.adapters.postgres.DatabaseProbe;
import io.tokenbroker.application.testing.TestClock;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A movable clock for the contexts of the outage tests ({@link #PROPERTY} = true), so the database breaker's open
 * period passes when a test says so, not after real time; and the wait for the breaker to close once PostgreSQL is
 * back, as a bounded number of probes each after one open period.
 */
final class OutageClock {

    static final String PROPERTY = "tokenbroker.test.outage-clock";
    static final TestClock CLOCK = TestClock.at(Instant.now());

    private OutageClock() {
    }

    /**
     * Moves the clock past the breaker's open period and probes until the database answers; a probe can meet a
     * pooled connection the restart broke, so a few probes bound the recovery.
     */
    static boolean awaitDatabase(ApplicationContext context) {
        DatabaseProbe probe = context.getBean(DatabaseProbe.class);
        for (int attempt = 0; attempt < 10; attempt++) {
            CLOCK.advance(Duration.ofSeconds(3));
            if (probe.reachable()) {
                return true;
            }
        }
        return false;
    }

    /** The clock bean, only in contexts that ask for it. */
    @Factory
    @Requires(property = PROPERTY, value = "true")
    static class Beans {

        @Singleton
        @Replaces(Clock.class)
        Clock clock() {
            return CLOCK;
        }
    }
}
