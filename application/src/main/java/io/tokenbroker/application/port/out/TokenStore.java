package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.AccessToken.Fingerprint;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The shared cache of access tokens, one per connection. Safe for concurrent use; of two writers, the one with the
 * greater fence wins, and of equal fences the last.
 */
public interface TokenStore {

    /** The cached token, or empty when none is cached or its time to live has passed. */
    Optional<AccessToken> find(ConnectionKey key);

    /** Where a found token was read. */
    enum Source {
        /** The instance's own near cache in front of the store: no network round trip. */
        NEAR_CACHE,
        /** The store itself (the shared one, or the embedded in-memory store). */
        STORE
    }

    /** A cached token and where it was read. */
    record Found(AccessToken token, Source source) {
        public Found {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(source, "source");
        }
    }

    /**
     * {@link #find}, saying where the token was read, so a request can be counted as a near-cache hit. Same
     * answer as {@code find}; a store without a near cache in front of it answers {@link Source#STORE}.
     */
    default Optional<Found> lookup(ConnectionKey key) {
        return find(key).map(token -> new Found(token, Source.STORE));
    }

    /**
     * {@link #lookup} answered from this process's memory alone, never waiting for I/O, so that a request can be
     * answered on the thread it arrived on; empty whenever answering would need a round trip (then call
     * {@code lookup}).
     */
    default Optional<Found> lookupInMemory(ConnectionKey key) {
        return Optional.empty();
    }

    /**
     * {@link #lookup} without blocking the calling thread: answered from memory, or by a store that reads
     * asynchronously. The answer is authoritative: empty means the store holds no token for {@code key}, or cannot
     * be reached now, and never "ask again with a blocking read": a request served as a miss goes on with what this
     * read found and does not read the store a second time. Never completes exceptionally.
     *
     * <p>The default answers {@link #lookupInMemory}: right for a store held wholly in this process's memory, whose
     * {@code lookupInMemory} is its {@code lookup}. A store that holds anything beyond this process's memory
     * overrides it with an asynchronous read.
     */
    default CompletionStage<Optional<Found>> lookupWithoutBlocking(ConnectionKey key) {
        return CompletableFuture.completedFuture(lookupInMemory(key));
    }

    /**
     * Caches {@code token} for {@code ttl}, replacing whatever was there, unless a writer with a greater fence has
     * written this key before (deleting the token does not forget that fence). A store that shares its storage
     * with the {@link LockManager} also refuses a writer once a lease with a greater fence has been granted. So a
     * holder whose lease expired mid-refresh (a pause, a dead instance) cannot overwrite its successor's token.
     *
     * @param ttl   positive; the caller derives it from the refresh policy: until the token's expiry less a clock
     *              margin ({@code RefreshPolicy.keepUntil}). The store keeps tokens inside their hard buffer; whether
     *              one is served (normally, or stale after a failed refresh) is the caller's decision
     * @param fence the fence of the lease under which the token was fetched
     * @return false, and nothing cached, when the writer was superseded
     */
    boolean put(ConnectionKey key, AccessToken token, Duration ttl, long fence);

    /**
     * Removes the cached token only if it is the one with this fingerprint, atomically: a late report about an old
     * token must not evict the fresh one that replaced it.
     *
     * @return true if a token was removed
     */
    boolean deleteIf(ConnectionKey key, Fingerprint fingerprint);

    /** Removes whatever token is cached; a no-op when there is none. */
    void delete(ConnectionKey key);
}
