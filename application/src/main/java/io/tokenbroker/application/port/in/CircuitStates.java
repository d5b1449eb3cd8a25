package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.CircuitBreaker;
import java.util.Map;

/**
 * Where the circuit of each connection's upstream stands, for status and metrics. The circuits live in the process
 * that calls the upstream, so this reads that process's view: another instance may see its own.
 */
public interface CircuitStates {

    /** CLOSED for a connection this process never called. */
    CircuitBreaker.State circuitState(ConnectionKey key);

    /** The connections whose circuit is not closed right now; usually none or a few, so cheap to read often. */
    Map<ConnectionKey, CircuitBreaker.State> notClosed();
}
