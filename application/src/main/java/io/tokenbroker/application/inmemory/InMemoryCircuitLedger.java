package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.port.out.CircuitLedger;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.Circuit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The circuits of this process: the embedded default, and what a Redis ledger falls back to while Redis is down. */
public final class InMemoryCircuitLedger implements CircuitLedger {

    private final ConcurrentMap<ConnectionKey, Circuit> circuits = new ConcurrentHashMap<>();

    @Override
    public Circuit find(ConnectionKey key) {
        return circuits.getOrDefault(key, Circuit.CLOSED);
    }

    @Override
    public boolean replace(ConnectionKey key, Circuit expected, Circuit next) {
        if (expected.equals(Circuit.CLOSED)) {
            return next.equals(Circuit.CLOSED) ? !circuits.containsKey(key) : circuits.putIfAbsent(key, next) == null;
        }
        return next.equals(Circuit.CLOSED) ? circuits.remove(key, expected) : circuits.replace(key, expected, next);
    }

    @Override
    public Map<ConnectionKey, Circuit> notClosed() {
        Map<ConnectionKey, Circuit> open = new HashMap<>();
        circuits.forEach((key, circuit) -> {
            if (!circuit.isClosed()) {
                open.put(key, circuit);
            }
        });
        return open;
    }
}
