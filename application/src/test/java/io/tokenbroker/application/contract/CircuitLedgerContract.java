package io.tokenbroker.application.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.port.out.CircuitLedger;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.Circuit;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link CircuitLedger} adapter must do. Connections are random per test. */
public abstract class CircuitLedgerContract {

    private static final Instant AT = Instant.parse("2026-12-03T12:00:00.123456789Z");

    private CircuitLedger ledger;
    private ConnectionKey key;

    protected abstract CircuitLedger newLedger();

    @BeforeEach
    void create() {
        ledger = newLedger();
        key = ConnectionKey.of("t" + UUID.randomUUID().toString().substring(0, 8), "crm");
    }

    private static Circuit open(int failures, Optional<Instant> probe) {
        return new Circuit(failures, Optional.of(new Circuit.Open(AT, AT.plusSeconds(1), Duration.ofMillis(1500),
                probe)));
    }

    @Test
    void anUnknownConnectionIsClosed() {
        assertEquals(Circuit.CLOSED, ledger.find(key));
        assertFalse(ledger.notClosed().containsKey(key));
    }

    @Test
    void aReplacedCircuitIsReadBackExactly() {
        Circuit failing = new Circuit(2, Optional.empty());
        assertTrue(ledger.replace(key, Circuit.CLOSED, failing));
        assertEquals(failing, ledger.find(key));

        Circuit probing = open(5, Optional.of(AT.plusMillis(1001)));
        assertTrue(ledger.replace(key, failing, probing));
        assertEquals(probing, ledger.find(key));
        assertEquals(probing, ledger.notClosed().get(key));
    }

    @Test
    void aReplaceFromAStaleValueChangesNothing() {
        Circuit first = new Circuit(1, Optional.empty());
        ledger.replace(key, Circuit.CLOSED, first);

        assertFalse(ledger.replace(key, Circuit.CLOSED, open(5, Optional.empty())));
        assertFalse(ledger.replace(key, new Circuit(3, Optional.empty()), Circuit.CLOSED));
        assertEquals(first, ledger.find(key));
    }

    @Test
    void closingForgetsTheCircuit() {
        Circuit opened = open(5, Optional.empty());
        ledger.replace(key, Circuit.CLOSED, opened);

        assertTrue(ledger.replace(key, opened, Circuit.CLOSED));

        assertEquals(Circuit.CLOSED, ledger.find(key));
        assertFalse(ledger.notClosed().containsKey(key));
        assertTrue(ledger.replace(key, Circuit.CLOSED, Circuit.CLOSED), "closed and still closed");
    }

    @Test
    void notClosedListsOnlyOpenCircuits() {
        ConnectionKey failingOnly = ConnectionKey.of(key.tenant().value(), "erp");
        ledger.replace(failingOnly, Circuit.CLOSED, new Circuit(1, Optional.empty()));
        ledger.replace(key, Circuit.CLOSED, open(5, Optional.empty()));

        Map<ConnectionKey, Circuit> notClosed = ledger.notClosed();

        assertTrue(notClosed.containsKey(key));
        assertFalse(notClosed.containsKey(failingOnly));
    }

    @Test
    void ofManyRacingReplacesFromOneValueExactlyOneWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> racers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int failures = i + 1;
                racers.add(pool.submit(() -> ledger.replace(key, Circuit.CLOSED, new Circuit(failures,
                        Optional.empty()))));
            }
            int won = 0;
            for (Future<Boolean> racer : racers) {
                won += racer.get(10, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, won);
        } finally {
            pool.shutdownNow();
        }
    }
}
