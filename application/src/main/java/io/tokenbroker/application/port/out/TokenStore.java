package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.AccessToken.Fingerprint;
import java.time.Duration;
import java.util.Optional;

/**
 * The shared cache of access tokens, one per connection. Safe for concurrent use; the last {@code put} wins.
 */
public interface TokenStore {

    /** The cached token, or empty when none is cached or its time to live has passed. */
    Optional<AccessToken> find(ConnectionKey key);

    /**
     * Caches {@code token} for {@code ttl}, replacing whatever was there.
     *
     * @param ttl positive; the caller derives it from the refresh policy so the store never outlives the buffer
     */
    void put(ConnectionKey key, AccessToken token, Duration ttl);

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
