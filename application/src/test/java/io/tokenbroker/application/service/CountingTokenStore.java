package io.tokenbroker.application.service;

import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.application.testing.ForwardingTokenStore;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.token.AccessToken;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store with nothing in this process's memory, as Redis without a near cache: every read, blocking or not, goes
 * through {@link #find} and is counted in {@link #reads}.
 */
final class CountingTokenStore extends ForwardingTokenStore {

    final AtomicInteger reads = new AtomicInteger();

    CountingTokenStore(TokenStore delegate) {
        super(delegate);
    }

    @Override
    public Optional<AccessToken> find(ConnectionKey key) {
        reads.incrementAndGet();
        return super.find(key);
    }
}
