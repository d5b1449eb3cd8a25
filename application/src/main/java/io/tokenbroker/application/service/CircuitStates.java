package io.tokenbroker.application.service;

import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.CircuitBreaker;

/**
 * Where the circuit of a connection's upstream stands. The circuits live in the process that calls the upstream
 * ({@link GetAccessTokenService}), so this reads that process's view: another instance may see its own.
 */
@FunctionalInterface
public interface CircuitStates {

    /** CLOSED for a connection this process never called. */
    CircuitBreaker.State circuitState(ConnectionKey key);
}
