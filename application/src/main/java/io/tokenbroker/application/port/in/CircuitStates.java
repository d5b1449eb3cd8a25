package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.CircuitBreaker;
import java.util.Map;

/**
 * Where the circuit of each connection's upstream stands, for status and metrics. With a shared circuit ledger
 * (Redis) every instance reads the same circuits; without one, each process reads its own.
 */
public interface CircuitStates {

    /** CLOSED for a connection whose upstream never failed (or recovered). */
    CircuitBreaker.State circuitState(ConnectionKey key);

    /** The connections whose circuit is not closed right now; usually none or a few, so cheap to read often. */
    Map<ConnectionKey, CircuitBreaker.State> notClosed();

    /**
     * {@link #notClosed()}, only the circuits this instance opened: what a per-instance gauge counts, so that the
     * sum over instances sharing one ledger counts each circuit once. Empty by default.
     */
    default Map<ConnectionKey, CircuitBreaker.State> notClosedOpenedHere() {
        return Map.of();
    }
}
