package io.tokenbroker.application.testing;

import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.domain.connection.ConnectionKey;

/** A lease that forwards every call to the one it wraps; test doubles override the call they watch or change. */
public class ForwardingLease implements Lease {

    private final Lease delegate;

    public ForwardingLease(Lease delegate) {
        this.delegate = delegate;
    }

    @Override
    public ConnectionKey key() {
        return delegate.key();
    }

    @Override
    public long fence() {
        return delegate.fence();
    }

    @Override
    public boolean noTokenStoredAtGrant() {
        return delegate.noTokenStoredAtGrant();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
