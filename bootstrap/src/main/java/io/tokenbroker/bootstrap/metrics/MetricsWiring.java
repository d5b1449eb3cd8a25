package io.tokenbroker.bootstrap.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.tokenbroker.adapters.postgres.JdbcRefreshLog;
import io.tokenbroker.application.port.in.CircuitStates;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.TokenRequestOutcomes;
import io.tokenbroker.bootstrap.TokenBrokerFactory;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.resilience.CircuitBreaker;
import jakarta.inject.Singleton;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Puts Micrometer around the core without the core knowing: request outcomes come through the
 * {@link TokenRequestOutcomes} port, gauges read circuit states (through the {@link CircuitStates} in-port) and the
 * PostgreSQL refresh log's queue (its own bean, when there is one) at scrape time, and {@link TokenBrokerFactory}
 * hands the token service a {@link MeteredTokenIssuer} and a {@link MeteredLockManager}. Those two wrap only what
 * the service sees, not the beans: the beans keep their own type and lifecycle (the Redis lock manager is closed at
 * shutdown through its bean).
 */
@Factory
public class MetricsWiring {

    static final String REQUESTS = "tokenbroker.token.requests";
    static final String CIRCUITS = "tokenbroker.circuits";
    static final String QUEUE_DEPTH = "tokenbroker.refresh_log.queue.depth";
    static final String DROPPED = "tokenbroker.refresh_log.dropped";

    @Singleton
    TokenRequestOutcomes tokenRequestOutcomes(MeterRegistry registry) {
        Map<TokenRequestOutcomes.Outcome, Counter> counters = new EnumMap<>(TokenRequestOutcomes.Outcome.class);
        for (TokenRequestOutcomes.Outcome outcome : TokenRequestOutcomes.Outcome.values()) {
            counters.put(outcome, Counter.builder(REQUESTS).description("Token requests by how they were answered")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        return outcome -> counters.get(outcome).increment();
    }

    /** Gauges registered once the beans they read exist; eager so they are there before the first scrape. */
    @Context
    @Singleton
    Gauges gauges(MeterRegistry registry, CircuitStates circuits, Connections connections,
                  Optional<JdbcRefreshLog> jdbcRefreshLog) {
        for (ProviderType provider : ProviderType.values()) {
            for (CircuitBreaker.State state : new CircuitBreaker.State[] {CircuitBreaker.State.OPEN,
                    CircuitBreaker.State.HALF_OPEN}) {
                Gauge.builder(CIRCUITS, () -> countCircuits(circuits, connections, provider, state))
                        .description("Connections whose circuit this instance opened and is in this state, by "
                                + "provider type")
                        .tag("provider", provider.wireName()).tag("state", state.name().toLowerCase(Locale.ROOT))
                        .register(registry);
            }
        }
        if (jdbcRefreshLog.isPresent()) {
            JdbcRefreshLog jdbc = jdbcRefreshLog.get();
            Gauge.builder(QUEUE_DEPTH, jdbc::queueDepth).description("Refresh-log rows waiting to be written")
                    .register(registry);
            Gauge.builder(DROPPED, jdbc::droppedAttempts).description("Refresh-log rows given up on since start")
                    .register(registry);
        } else {
            // The in-memory log writes synchronously: nothing ever waits. Exposed anyway so dashboards and alerts
            // do not depend on the deployment.
            Gauge.builder(QUEUE_DEPTH, () -> 0).description("Refresh-log rows waiting to be written")
                    .register(registry);
            Gauge.builder(DROPPED, () -> 0).description("Refresh-log rows given up on since start")
                    .register(registry);
        }
        return new Gauges();
    }

    // Only connections with a non-closed circuit are looked up, so a scrape costs nothing in the common case. Only
    // the circuits this instance opened: with shared circuits every instance sees all of them, and a sum over
    // instances must count each once.
    private static long countCircuits(CircuitStates circuits, Connections connections, ProviderType provider,
                                      CircuitBreaker.State state) {
        return circuits.notClosedOpenedHere().entrySet().stream()
                .filter(entry -> entry.getValue() == state)
                .filter(entry -> connections.find(entry.getKey()).map(Connection::provider)
                        .filter(provider::equals).isPresent())
                .count();
    }

    /** Marker for the eager gauge registration. */
    public static final class Gauges {
    }
}
