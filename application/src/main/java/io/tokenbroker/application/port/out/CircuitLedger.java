package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.Circuit;
import java.util.Map;

/**
 * Where the circuit of each connection's upstream is kept: in process, or shared by every instance so that they all
 * see one circuit, take turns at its probes and announce each opening once. Only values are kept; how a circuit
 * moves is the domain's {@code CircuitPolicy}. Safe for concurrent use.
 */
public interface CircuitLedger {

    /** The connection's circuit; {@link Circuit#CLOSED} when none is kept. */
    Circuit find(ConnectionKey key);

    /**
     * Replaces the connection's circuit with {@code next} only if it still equals {@code expected}, atomically. A
     * {@link Circuit#CLOSED} circuit is kept as no entry at all.
     *
     * @return false, and nothing changed, when another caller changed it first
     */
    boolean replace(ConnectionKey key, Circuit expected, Circuit next);

    /** Every kept circuit that is open or half-open; usually none or a few, so cheap to read often. */
    Map<ConnectionKey, Circuit> notClosed();
}
