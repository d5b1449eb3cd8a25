package io.tokenbroker.application.service;

import io.tokenbroker.application.port.out.CircuitLedger;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.Circuit;
import io.tokenbroker.domain.resilience.CircuitBreaker;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The circuits of a {@link CircuitLedger} as this process's refreshes see them, so that a refresh on a closed circuit
 * reads a shared ledger once rather than once per question.
 *
 * <p>Within one refresh ({@link #forOneRefresh}): every move of a connection's circuit is made by a refresh of that
 * connection, and refreshes hold its lease, so under the lease nobody else moves it. The refresh reads the circuit
 * once and then answers from what it read and wrote; a compare-and-set that fails anyway (a lease lost meanwhile)
 * forgets what was read, and the breaker reads the ledger again.
 *
 * <p>Between refreshes: the circuits this process last saw open or half-open, so that only for those is the ledger
 * read before the lease ({@link #lastSeenNotClosed}). A circuit another instance opened since is refused by the read
 * under the lease, which is the one that counts; from then on this process refuses before the lease too.
 */
final class CircuitsSeen {

    private final CircuitLedger ledger;
    private final Set<ConnectionKey> notClosed = ConcurrentHashMap.newKeySet();

    CircuitsSeen(CircuitLedger ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    /** The circuit as the ledger holds it now. */
    Circuit read(ConnectionKey key) {
        Circuit circuit = ledger.find(key);
        seen(key, circuit);
        return circuit;
    }

    /** Whether this process last saw the circuit open or half-open; false for one it never saw. */
    boolean lastSeenNotClosed(ConnectionKey key) {
        return notClosed.contains(key);
    }

    /** A cell for one refresh under the connection's lease; like the refresh, used by one thread. */
    CircuitBreaker.Cell forOneRefresh(ConnectionKey key) {
        return new CircuitBreaker.Cell() {
            private Circuit known;

            @Override
            public Circuit read() {
                if (known == null) {
                    known = CircuitsSeen.this.read(key);
                }
                return known;
            }

            @Override
            public boolean compareAndSet(Circuit expected, Circuit next) {
                boolean replaced = ledger.replace(key, expected, next);
                if (replaced) {
                    known = next;
                    seen(key, next);
                } else {
                    known = null;
                }
                return replaced;
            }
        };
    }

    private void seen(ConnectionKey key, Circuit circuit) {
        if (circuit.isClosed()) {
            notClosed.remove(key);
        } else {
            notClosed.add(key);
        }
    }
}
