package io.tokenbroker.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CachingTokenBrokerClientTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-03T08:00:00Z"));
    private final FakeTokenBroker fake = new FakeTokenBroker(clock).lifetime(Duration.ofMinutes(10));
    private final GatedBroker gated = new GatedBroker(fake);
    private final CachingTokenBrokerClient cache = new CachingTokenBrokerClient(gated, Duration.ofSeconds(30), clock);

    @Test
    void servesTheCachedTokenUntilTheMarginBeforeItsExpiry() {
        gated.open();
        Token first = cache.token("acme", "crm");

        clock.advance(Duration.ofSeconds(570));
        assertEquals(first, cache.token("acme", "crm"));
        assertEquals(1, fake.tokenCalls());

        clock.advance(Duration.ofSeconds(1));
        cache.token("acme", "crm");
        assertEquals(2, fake.tokenCalls());
    }

    @Test
    void aLongerMinValidForThanWhatIsLeftGoesToTheBroker() {
        gated.open();
        Token first = cache.token("acme", "crm");
        clock.advance(Duration.ofMinutes(6));

        assertEquals(first, cache.token("acme", "crm", Duration.ofMinutes(3)));
        assertNotEquals(first, cache.token("acme", "crm", Duration.ofMinutes(5)));
    }

    @Test
    void concurrentCallersOnAColdCacheShareOneBrokerCall() throws Exception {
        try (Callers<Token> callers = new Callers<>(50, () -> cache.token("acme", "crm"))) {
            callers.awaitAllBlocked();
            gated.open();

            for (Future<Token> result : callers.results()) {
                assertEquals("fake-acme-crm-1", result.get(30, TimeUnit.SECONDS).value());
            }
        }
        assertEquals(1, fake.tokenCalls());
    }

    @Test
    void aFailedFetchFailsEveryoneWaitingForItAndIsNotCached() throws Exception {
        TokenBrokerException down = TokenBrokerException.of(
                Problem.broker("upstream-unavailable", "down", 503, null), Optional.of(Duration.ofSeconds(3)));
        gated.failWith(down);
        try (Callers<Token> callers = new Callers<>(20, () -> cache.token("acme", "crm"))) {
            callers.awaitAllBlocked();
            gated.open();

            for (Future<Token> result : callers.results()) {
                ExecutionException failed = assertThrows(ExecutionException.class,
                        () -> result.get(30, TimeUnit.SECONDS));
                assertSame(down, failed.getCause());
            }
        }
        gated.failWith(null);
        assertEquals("fake-acme-crm-1", cache.token("acme", "crm").value());
    }

    @Test
    void concurrentInvalidationsOfTheCachedTokenCollapseAndTheRefetchIsSingleFlighted() throws Exception {
        gated.open();
        Token rejected = cache.token("acme", "crm");
        gated.close();

        try (Callers<Token> callers = new Callers<>(40, () -> {
            cache.invalidate("acme", "crm", rejected.value());
            return cache.token("acme", "crm");
        })) {
            callers.awaitAllBlocked();
            gated.open();
            for (Future<Token> result : callers.results()) {
                assertNotEquals(rejected, result.get(30, TimeUnit.SECONDS), "no caller may get the rejected token");
            }
        }
        assertEquals(1, fake.invalidations());
        assertEquals(2, fake.issued("acme", "crm"));
    }

    @Test
    void invalidatingDropsOnlyTheRejectedTokenHereAndAtTheBroker() {
        gated.open();
        Token current = cache.token("acme", "crm");

        cache.invalidate("acme", "crm", "an-older-token");
        assertEquals(current, cache.token("acme", "crm"));

        cache.invalidate("acme", "crm", current.value());
        Token fresh = cache.token("acme", "crm");
        assertNotEquals(current, fresh);
        assertEquals(1, fake.invalidations(), "the older token was not the cached one: nothing to tell the broker");
        assertEquals(2, fake.issued("acme", "crm"));
    }

    @Test
    void aLateInvalidationOfASupersededTokenStaysLocal() {
        gated.open();
        Token old = cache.token("acme", "crm");
        cache.invalidate("acme", "crm", old.value());
        cache.token("acme", "crm");

        cache.invalidate("acme", "crm", old.value());

        assertEquals(1, fake.invalidations());
    }

    @Test
    void aFailedInvalidationStillDropsTheTokenLocally() {
        gated.open();
        Token rejected = cache.token("acme", "crm");
        fake.outage(Optional.empty());

        assertThrows(TokenBrokerException.Unavailable.class, () -> cache.invalidate("acme", "crm", rejected.value()));
        assertThrows(TokenBrokerException.Unavailable.class, () -> cache.token("acme", "crm"));
    }
}
