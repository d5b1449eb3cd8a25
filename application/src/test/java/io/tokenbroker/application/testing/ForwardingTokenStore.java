package io.tokenbroker.application.testing;

import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.AccessToken.Fingerprint;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A store that forwards every call; tests override the one they watch. {@code lookup} is left to its default, which
 * goes through {@link #find}, and {@code lookupWithoutBlocking} answers what {@code lookup} does, so a test that
 * overrides {@code find} sees every read, and the read without blocking is authoritative, as the port requires.
 * Over a store that reads over the network, override {@code lookupWithoutBlocking} to forward it.
 */
public class ForwardingTokenStore implements TokenStore {

    private final TokenStore delegate;

    public ForwardingTokenStore(TokenStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<AccessToken> find(ConnectionKey key) {
        return delegate.find(key);
    }

    /** Answered by {@link #lookup} at once: the stores this wraps in tests answer from memory. */
    @Override
    public CompletionStage<Optional<Found>> lookupWithoutBlocking(ConnectionKey key) {
        return CompletableFuture.completedFuture(lookup(key));
    }

    @Override
    public boolean put(ConnectionKey key, AccessToken token, Duration ttl, long fence) {
        return delegate.put(key, token, ttl, fence);
    }

    @Override
    public boolean deleteIf(ConnectionKey key, Fingerprint fingerprint) {
        return delegate.deleteIf(key, fingerprint);
    }

    @Override
    public void delete(ConnectionKey key) {
        delegate.delete(key);
    }
}
