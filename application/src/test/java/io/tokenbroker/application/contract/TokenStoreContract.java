package io.tokenbroker.application.contract;

import static io.tokenbroker.application.testing.TokenTestData.aToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.application.testing.TestClock;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TokenStore} must do. An adapter test extends this class and returns a store over empty storage
 * from {@link #newStore}; the tests share nothing else.
 *
 * <p>The expiry test drives time through the injected clock. A store that keeps time on its own (a Redis server's
 * TTL) returns false from {@link #followsInjectedClock()}, which skips that test, or overrides {@link #advance} to
 * move its own notion of time as well.
 */
public abstract class TokenStoreContract {

    protected static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");
    protected static final ConnectionKey TENANT_A = ConnectionKey.of("a", "crm");
    protected static final ConnectionKey TENANT_B = ConnectionKey.of("b", "crm");
    protected static final Duration LIFETIME = Duration.ofHours(1);
    protected static final Duration TTL = Duration.ofMinutes(5);
    protected static final long FENCE = 7;

    protected TestClock clock;
    private TokenStore store;

    /** A store over empty storage that reads time from {@code clock} if it reads time at all. */
    protected abstract TokenStore newStore(Clock clock);

    /** Moves time for the store; by default the injected clock only. */
    protected void advance(TestClock clock, Duration duration) {
        clock.advance(duration);
    }

    /**
     * Where {@link TokenStore#lookup} says it read a token this store has just put: the store itself by default
     * (what a store without a near cache answers); a store with a near cache in front answers that.
     */
    protected TokenStore.Source sourceOfATokenJustPut() {
        return TokenStore.Source.STORE;
    }

    /** Whether the store expires entries by the injected clock; false skips the clock-driven expiry test. */
    protected boolean followsInjectedClock() {
        return true;
    }

    @BeforeEach
    void createStore() {
        clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
        store = newStore(clock);
    }

    /**
     * The read without blocking is authoritative (a miss is served on what it found, with no second read): a token
     * stored is found by it, where {@code lookup} says it was read.
     */
    @Test
    void aReadWithoutBlockingFindsATokenStored() throws Exception {
        AccessToken token = aToken("tok-no-wait", clock, LIFETIME);
        store.put(KEY, token, TTL, FENCE);

        Optional<TokenStore.Found> found = withoutBlocking(KEY);

        assertTrue(found.isPresent(), "found without a blocking read");
        assertEquals(token, found.get().token());
        assertEquals(sourceOfATokenJustPut(), found.get().source());
    }

    /** An empty answer without blocking means no token: a blocking read made afterwards finds none either. */
    @Test
    void anEmptyAnswerWithoutBlockingMeansNoTokenAsALaterBlockingReadAgrees() throws Exception {
        assertEquals(Optional.empty(), withoutBlocking(KEY));
        assertEquals(Optional.empty(), store.find(KEY));
        store.put(KEY, aToken("tok-no-wait", clock, LIFETIME), TTL, FENCE);

        assertEquals(Optional.empty(), withoutBlocking(TENANT_A), "another connection's token is not this one's");
        assertEquals(Optional.empty(), store.find(TENANT_A));

        store.delete(KEY);
        assertEquals(Optional.empty(), withoutBlocking(KEY), "gone once deleted");
        assertEquals(Optional.empty(), store.find(KEY));
    }

    /** Its answer; the guard only keeps a store that never answers from hanging the build. */
    private Optional<TokenStore.Found> withoutBlocking(ConnectionKey key) throws Exception {
        return store.lookupWithoutBlocking(key).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void findOnAnEmptyStoreIsEmpty() {
        assertEquals(Optional.empty(), store.find(KEY));
    }

    @Test
    void findReturnsTheTokenPut() {
        AccessToken token = aToken("tok-put", clock, LIFETIME);

        store.put(KEY, token, TTL, FENCE);

        assertEquals(Optional.of(token), store.find(KEY));
    }

    @Test
    void lookupAnswersWhatFindAnswersAndSaysWhereItWasRead() {
        assertEquals(Optional.empty(), store.lookup(KEY));
        AccessToken token = aToken("tok-looked-up", clock, LIFETIME);
        store.put(KEY, token, TTL, FENCE);

        Optional<TokenStore.Found> found = store.lookup(KEY);

        assertEquals(Optional.of(token), found.map(TokenStore.Found::token));
        assertEquals(Optional.of(sourceOfATokenJustPut()), found.map(TokenStore.Found::source));
        store.delete(KEY);
        assertEquals(Optional.empty(), store.lookup(KEY));
    }

    @Test
    void putReplacesTheCachedToken() {
        AccessToken older = aToken("tok-older", clock, LIFETIME);
        AccessToken newer = aToken("tok-newer", clock, LIFETIME);

        store.put(KEY, older, TTL, FENCE);
        store.put(KEY, newer, TTL, FENCE);

        assertEquals(Optional.of(newer), store.find(KEY));
    }

    @Test
    void aTokenIsGoneOnceItsTtlHasPassed() {
        assumeTrue(followsInjectedClock(), "the store keeps its own time");
        AccessToken token = aToken("tok-ttl", clock, LIFETIME);
        store.put(KEY, token, TTL, FENCE);

        advance(clock, TTL.minusMillis(1));
        assertEquals(Optional.of(token), store.find(KEY), "still within its ttl");

        advance(clock, Duration.ofMillis(2));
        assertEquals(Optional.empty(), store.find(KEY), "past its ttl");
    }

    @Test
    void deleteIfWithTheCachedTokensFingerprintRemovesIt() {
        AccessToken token = aToken("tok-current", clock, LIFETIME);
        store.put(KEY, token, TTL, FENCE);

        assertTrue(store.deleteIf(KEY, token.fingerprint()));
        assertEquals(Optional.empty(), store.find(KEY));
    }

    @Test
    void deleteIfWithAnotherFingerprintKeepsTheCachedToken() {
        AccessToken stale = aToken("tok-stale", clock, LIFETIME);
        AccessToken fresh = aToken("tok-fresh", clock, LIFETIME);
        store.put(KEY, fresh, TTL, FENCE);

        assertFalse(store.deleteIf(KEY, stale.fingerprint()));
        assertEquals(Optional.of(fresh), store.find(KEY));
    }

    @Test
    void deleteIfOnAnEmptyStoreRemovesNothing() {
        assertFalse(store.deleteIf(KEY, aToken("tok-none", clock, LIFETIME).fingerprint()));
        assertEquals(Optional.empty(), store.find(KEY));
    }

    @Test
    void deleteRemovesTheCachedToken() {
        store.put(KEY, aToken("tok-delete", clock, LIFETIME), TTL, FENCE);

        store.delete(KEY);

        assertEquals(Optional.empty(), store.find(KEY));
    }

    @Test
    void deleteOnAnEmptyStoreIsANoOp() {
        store.delete(KEY);

        assertEquals(Optional.empty(), store.find(KEY));
    }

    @Test
    void keysAreIndependent() {
        AccessToken a = aToken("tok-tenant-a", clock, LIFETIME);
        AccessToken b = aToken("tok-tenant-b", clock, LIFETIME);
        store.put(TENANT_A, a, TTL, FENCE);
        assertEquals(Optional.empty(), store.find(TENANT_B), "a's token is not b's");

        store.put(TENANT_B, b, TTL, FENCE);
        assertEquals(Optional.of(a), store.find(TENANT_A));
        assertEquals(Optional.of(b), store.find(TENANT_B));

        assertFalse(store.deleteIf(TENANT_B, a.fingerprint()), "a's fingerprint does not match b's token");
        store.delete(TENANT_B);
        assertEquals(Optional.empty(), store.find(TENANT_B));
        assertEquals(Optional.of(a), store.find(TENANT_A), "deleting b leaves a");
    }

    @Test
    void putReportsThatItStored() {
        assertTrue(store.put(KEY, aToken("tok-stored", clock, LIFETIME), TTL, FENCE));
    }

    @Test
    void aWriterWithASmallerFenceThanAnEarlierOneIsRefused() {
        AccessToken successors = aToken("tok-successor", clock, LIFETIME);
        AccessToken late = aToken("tok-late", clock, LIFETIME);
        store.put(KEY, successors, TTL, FENCE + 1);

        assertFalse(store.put(KEY, late, TTL, FENCE));

        assertEquals(Optional.of(successors), store.find(KEY));
    }

    @Test
    void aDeleteDoesNotForgetTheGreatestFence() {
        store.put(KEY, aToken("tok-successor", clock, LIFETIME), TTL, FENCE + 1);
        store.delete(KEY);

        assertFalse(store.put(KEY, aToken("tok-late", clock, LIFETIME), TTL, FENCE));

        assertEquals(Optional.empty(), store.find(KEY));
    }

    @Test
    void aGreaterFenceReplacesTheCachedToken() {
        AccessToken older = aToken("tok-older", clock, LIFETIME);
        AccessToken newer = aToken("tok-newer", clock, LIFETIME);
        store.put(KEY, older, TTL, FENCE);

        assertTrue(store.put(KEY, newer, TTL, FENCE + 1));

        assertEquals(Optional.of(newer), store.find(KEY));
    }

    @Test
    void putRejectsAZeroOrNegativeTtlAndCachesNothing() {
        AccessToken token = aToken("tok-bad-ttl", clock, LIFETIME);

        assertThrows(IllegalArgumentException.class, () -> store.put(KEY, token, Duration.ZERO, FENCE));
        assertThrows(IllegalArgumentException.class, () -> store.put(KEY, token, Duration.ofSeconds(-1), FENCE));

        assertEquals(Optional.empty(), store.find(KEY));
    }
}
