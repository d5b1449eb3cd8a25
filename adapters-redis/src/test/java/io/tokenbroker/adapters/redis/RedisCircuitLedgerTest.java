package io.tokenbroker.adapters.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.contract.CircuitLedgerContract;
import io.tokenbroker.application.inmemory.InMemoryCircuitLedger;
import io.tokenbroker.application.port.out.CircuitLedger;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.Circuit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Shared circuits against a real Redis: the contract, two instances over one hash, and what Redis holds. */
class RedisCircuitLedgerTest extends CircuitLedgerContract {

    @RegisterExtension
    static final RedisPerClass REDIS = new RedisPerClass();
    private RedisFixture fixture;

    @Override
    protected CircuitLedger newLedger() {
        fixture = REDIS.freshFixture();
        return fixture.adapters(Clock.systemUTC(), "a").circuitLedger(new InMemoryCircuitLedger());
    }

    @Test
    void anotherInstanceSeesTheCircuitOneInstanceOpened() {
        CircuitLedger one = newLedger();
        CircuitLedger two = fixture.adapters(Clock.systemUTC(), "b").circuitLedger(new InMemoryCircuitLedger());
        ConnectionKey key = ConnectionKey.of("acme", "crm");
        Instant at = Instant.parse("2026-12-03T12:00:00Z");
        Circuit open = new Circuit(5, Optional.of(new Circuit.Open(at, at.plusSeconds(1), Duration.ofSeconds(1),
                Optional.empty())));

        assertTrue(one.replace(key, Circuit.CLOSED, open));

        assertEquals(open, two.find(key));
        assertEquals(open, two.notClosed().get(key));
        assertEquals("5|2026-12-03T12:00:00Z|2026-12-03T12:00:01Z|PT1S|-",
                fixture.raw().sync().hget("tb:{circuits}:all", "acme:crm"));
    }

    @Test
    void whileRedisDoesNotAnswerTheInstanceKeepsItsCircuitsInProcess() throws Exception {
        // A Redis of its own: the pause would outlast this test on the class's shared one.
        try (EmbeddedRedis paused = EmbeddedRedis.start(); RedisFixture own = new RedisFixture(paused)) {
            InMemoryCircuitLedger whileDown = new InMemoryCircuitLedger();
            CircuitLedger ledger = own.adapters(own.client(), Clock.systemUTC(), "a",
                    new RedisAdapters.Settings("tb", Duration.ofMillis(300), 100, Duration.ofSeconds(1)))
                    .circuitLedger(whileDown);
            ConnectionKey key = ConnectionKey.of("acme", "crm");
            Circuit failing = new Circuit(1, Optional.empty());
            own.raw().sync().clientPause(3_000);

            assertTrue(ledger.replace(key, Circuit.CLOSED, failing));

            assertEquals(failing, whileDown.find(key));
            assertEquals(failing, ledger.find(key));
        }
    }

    @Test
    void anUnreadableValueCountsAsClosedAndIsDropped() {
        CircuitLedger ledger = newLedger();
        fixture.raw().sync().hset("tb:{circuits}:all", "acme:crm", "from|a|later|version");

        assertEquals(Circuit.CLOSED, ledger.find(ConnectionKey.of("acme", "crm")));
        assertEquals(null, fixture.raw().sync().hget("tb:{circuits}:all", "acme:crm"));
    }
}
