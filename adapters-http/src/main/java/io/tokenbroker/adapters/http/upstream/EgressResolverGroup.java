package io.tokenbroker.adapters.http.upstream;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import io.tokenbroker.domain.egress.SavedBy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/**
 * Netty's hook for how a client turns a host name into addresses, answered by the {@link EgressGuard} when the
 * connection is opened: only addresses the policy allows to {@code savedBy} come back, so a name that resolves to a
 * refused address, however it resolved a moment earlier (DNS rebinding), fails the connect with an
 * {@link EgressRefusedException} instead of reaching it. A name that does not resolve fails it with the resolver's
 * {@link UnknownHostException}, as Netty's default resolver would. For the proxy this is the only lookup of a name:
 * its check before the call needs none ({@link EgressGuard#checkUrl}).
 *
 * <p>Like Netty's default resolver (the JVM's), the lookup blocks the event loop that opens the connection; a pooled
 * connection is not resolved again, and stays connected to the address checked when it was opened.
 */
public final class EgressResolverGroup extends AddressResolverGroup<InetSocketAddress> {

    private final EgressGuard guard;
    private final SavedBy savedBy;

    public EgressResolverGroup(EgressGuard guard, SavedBy savedBy) {
        this.guard = Objects.requireNonNull(guard, "guard");
        this.savedBy = Objects.requireNonNull(savedBy, "savedBy");
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return new CheckedNameResolver(executor).asAddressResolver();
    }

    private final class CheckedNameResolver extends InetNameResolver {

        CheckedNameResolver(EventExecutor executor) {
            super(executor);
        }

        @Override
        protected void doResolve(String host, Promise<InetAddress> promise) {
            try {
                promise.setSuccess(allowed(host).get(0));
            } catch (UnknownHostException unresolvedOrRefused) {
                promise.setFailure(unresolvedOrRefused);
            }
        }

        @Override
        protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
            try {
                promise.setSuccess(allowed(host));
            } catch (UnknownHostException unresolvedOrRefused) {
                promise.setFailure(unresolvedOrRefused);
            }
        }

        private List<InetAddress> allowed(String host) throws UnknownHostException {
            return guard.checkHost(host, savedBy).connectable(host);
        }
    }
}
