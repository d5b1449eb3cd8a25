package io.tokenbroker.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Keeps each connection's token in process until {@code margin} before its expiry. One caller per connection asks
 * the broker at a time and the others wait for its answer (single flight), so a cold start or a burst of 401s
 * costs one request. Invalidations of one token are single-flighted too, and run remote first, local second: a
 * token fetched after an invalidation returned can never be the rejected one.
 */
final class CachingTokenBrokerClient implements TokenBrokerClient {

    private record Rejection(ConnectionKey key, String token) {
    }

    private final TokenBrokerClient broker;
    private final Duration margin;
    private final Clock clock;
    private final ConcurrentMap<ConnectionKey, CompletableFuture<Token>> tokens = new ConcurrentHashMap<>();
    private final ConcurrentMap<Rejection, CompletableFuture<Void>> invalidations = new ConcurrentHashMap<>();

    CachingTokenBrokerClient(TokenBrokerClient broker, Duration margin, Clock clock) {
        this.broker = broker;
        this.margin = margin;
        this.clock = clock;
    }

    /**
     * A cached token is served while it has {@code max(margin, minValidFor)} left. A caller that waited for another
     * caller's fetch takes its token if it has {@code minValidFor} left; otherwise it fetches once itself.
     */
    @Override
    public Token token(String tenant, String connection, Duration minValidFor) {
        ConnectionKey key = new ConnectionKey(tenant, connection);
        Duration wanted = margin.compareTo(minValidFor) > 0 ? margin : minValidFor;
        boolean mayWait = true;
        while (true) {
            CompletableFuture<Token> cached = tokens.get(key);
            if (cached != null && !cached.isDone() && mayWait) {
                Token shared = await(cached);
                if (shared.validFor(minValidFor, now())) {
                    return shared;
                }
                mayWait = false;
                continue;
            }
            if (cached != null && cached.isDone() && await(cached).validFor(wanted, now())) {
                return await(cached);
            }
            CompletableFuture<Token> mine = new CompletableFuture<>();
            boolean won = cached == null ? tokens.putIfAbsent(key, mine) == null : tokens.replace(key, cached, mine);
            if (won) {
                return fetch(key, minValidFor, mine);
            }
        }
    }

    private Token fetch(ConnectionKey key, Duration minValidFor, CompletableFuture<Token> mine) {
        try {
            Token fetched = broker.token(key.tenant(), key.connection(), minValidFor);
            mine.complete(fetched);
            return fetched;
        } catch (RuntimeException | Error failed) {
            // removed before completing, so the map never holds a failed entry for a later caller to trip on
            tokens.remove(key, mine);
            mine.completeExceptionally(failed);
            throw failed;
        }
    }

    @Override
    public void invalidate(String tenant, String connection, String rejectedToken) {
        ConnectionKey key = new ConnectionKey(tenant, connection);
        Rejection rejection = new Rejection(key, rejectedToken);
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> running = invalidations.putIfAbsent(rejection, mine);
        if (running != null) {
            await(running);
            return;
        }
        try {
            if (!superseded(key, rejectedToken)) {
                broker.invalidate(tenant, connection, rejectedToken);
            }
        } catch (RuntimeException | Error failed) {
            settle(rejection, mine, failed);
            throw failed;
        }
        settle(rejection, mine, null);
    }

    /**
     * Drops the token here even when the broker could not be told, and only then releases the callers waiting on
     * this invalidation: released earlier, they would ask the cache again and get the rejected token back.
     */
    private void settle(Rejection rejection, CompletableFuture<Void> mine, Throwable failure) {
        dropIfCached(rejection.key(), rejection.token());
        invalidations.remove(rejection, mine);
        if (failure == null) {
            mine.complete(null);
        } else {
            mine.completeExceptionally(failure);
        }
    }

    /** A different token was fetched after the rejected one: the broker has moved on, telling it again is moot. */
    private boolean superseded(ConnectionKey key, String rejectedToken) {
        CompletableFuture<Token> cached = tokens.get(key);
        return cached != null && cached.isDone() && !cached.isCompletedExceptionally()
                && !cached.join().value().equals(rejectedToken);
    }

    private void dropIfCached(ConnectionKey key, String rejectedToken) {
        CompletableFuture<Token> cached = tokens.get(key);
        if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()
                && cached.join().value().equals(rejectedToken)) {
            tokens.remove(key, cached);
        }
    }

    private Instant now() {
        return clock.instant();
    }

    /** The shared outcome; another caller's failure is rethrown as it was thrown to that caller. */
    private static <T> T await(CompletableFuture<T> shared) {
        try {
            return shared.join();
        } catch (CompletionException failed) {
            if (failed.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failed.getCause() instanceof Error error) {
                throw error;
            }
            throw failed;
        }
    }

    @Override
    public String toString() {
        return "Cached" + broker + "[margin=" + margin + "]";
    }
}
