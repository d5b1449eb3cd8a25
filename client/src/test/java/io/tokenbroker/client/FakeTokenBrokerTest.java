package io.tokenbroker.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FakeTokenBrokerTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-03T08:00:00Z"));
    private final FakeTokenBroker fake = new FakeTokenBroker(clock);

    @Test
    void servesTheSameTokenUntilItIsInvalidated() {
        Token first = fake.token("acme", "crm");

        assertEquals(first, fake.token("acme", "crm"));
        fake.invalidate("acme", "crm", first.value());

        assertNotEquals(first.value(), fake.token("acme", "crm").value());
        assertEquals(3, fake.tokenCalls("acme", "crm"));
        assertEquals(1, fake.invalidations("acme", "crm"));
        assertEquals(2, fake.issued("acme", "crm"));
    }

    @Test
    void invalidatingAnOlderTokenKeepsTheCurrentOne() {
        Token current = fake.token("acme", "crm");

        fake.invalidate("acme", "crm", "an-old-token");

        assertEquals(current, fake.token("acme", "crm"));
        assertEquals(1, fake.invalidations());
    }

    @Test
    void issuesScriptedValuesThenGeneratedOnes() {
        fake.willIssue("acme", "crm", "first", "second");

        assertEquals("first", fake.token("acme", "crm").value());
        fake.invalidate("acme", "crm", "first");
        assertEquals("second", fake.token("acme", "crm").value());
        fake.invalidate("acme", "crm", "second");
        assertEquals("fake-acme-crm-3", fake.token("acme", "crm").value());
        assertEquals("fake-acme-erp-1", fake.token("acme", "erp").value());
    }

    @Test
    void aRevokedTokenIsNoLongerAcceptedButStillServedUntilInvalidated() {
        String revoked = fake.revokeCurrent("acme", "crm");

        assertFalse(fake.accepts(revoked));
        assertEquals(revoked, fake.token("acme", "crm").value());
        fake.invalidate("acme", "crm", revoked);
        assertTrue(fake.accepts(fake.token("acme", "crm").value()));
        assertFalse(fake.accepts("never-issued"));
    }

    @Test
    void honoursMinValidForAndExpiryOnItsClock() {
        fake.lifetime(Duration.ofMinutes(10));
        Token first = fake.token("acme", "crm");
        clock.advance(Duration.ofMinutes(8));

        assertEquals(first, fake.token("acme", "crm", Duration.ofMinutes(1)));
        Token renewed = fake.token("acme", "crm", Duration.ofMinutes(5));

        assertNotEquals(first, renewed);
        clock.advance(Duration.ofMinutes(11));
        assertFalse(fake.accepts(renewed.value()));
    }

    @Test
    void anOutageFailsEveryCallWithRetryAfterUntilItEnds() {
        fake.outage(Optional.of(Duration.ofSeconds(7)));

        TokenBrokerException.Unavailable down = assertThrows(TokenBrokerException.Unavailable.class,
                () -> fake.token("acme", "crm"));
        assertEquals(Optional.of(Duration.ofSeconds(7)), down.retryAfter());
        assertThrows(TokenBrokerException.Unavailable.class, () -> fake.invalidate("acme", "crm", "x"));
        fake.endOutage();

        fake.token("acme", "crm");
        assertEquals(2, fake.tokenCalls());
    }

    @Test
    void aScriptedFailureHitsOnlyItsConnection() {
        fake.failWith("acme", "crm", TokenBrokerException.of(new Problem(
                "urn:tokenbroker:problem:reauthorization-required", "Needs consent", 409, null), Optional.empty()));

        TokenBrokerException.Conflict conflict = assertThrows(TokenBrokerException.Conflict.class,
                () -> fake.token("acme", "crm"));
        assertTrue(conflict.reauthorizationRequired());
        fake.token("acme", "erp");
        fake.clearFailure("acme", "crm");
        fake.token("acme", "crm");
    }

    @Test
    void isTheClientInterfacesReadyFake() {
        TokenBrokerClient client = TokenBrokerClient.fake();

        assertEquals(client.token("t", "c"), client.token("t", "c"));
    }
}
