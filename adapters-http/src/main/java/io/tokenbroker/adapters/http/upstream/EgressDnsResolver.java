package io.tokenbroker.adapters.http.upstream;

import io.tokenbroker.domain.egress.SavedBy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import org.apache.hc.client5.http.DnsResolver;

/**
 * Apache HttpClient's hook for turning a host name into addresses, answered by the {@link EgressGuard} when the client
 * opens a connection: only addresses the policy allows to {@code savedBy} come back, so the connection goes to an
 * address checked by that same lookup and a name that rebinds after an earlier check cannot steer it elsewhere. A
 * refused address fails the connect with an {@link EgressRefusedException}; a name that does not resolve with the
 * resolver's {@link UnknownHostException}, as Apache's default resolver would.
 *
 * <p>Apache asks it for every host, IP literals included (the guard reads those without a lookup and checks them
 * too). A pooled connection is not resolved again and stays connected to the address checked when it was opened.
 * Like the default resolver, a lookup blocks the thread that opens the connection: the caller's, or an I/O thread
 * when the connection waited for room in the pool.
 */
public final class EgressDnsResolver implements DnsResolver {

    private final EgressGuard guard;
    private final SavedBy savedBy;

    public EgressDnsResolver(EgressGuard guard, SavedBy savedBy) {
        this.guard = Objects.requireNonNull(guard, "guard");
        this.savedBy = Objects.requireNonNull(savedBy, "savedBy");
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        return guard.checkHost(host, savedBy).connectable(host).toArray(InetAddress[]::new);
    }

    /**
     * Only Kerberos (SPNEGO) authentication asks for a canonical name, and the clients built on this resolver
     * authenticate no one: the name itself is the answer, so no lookup ever happens outside {@link #resolve}.
     */
    @Override
    public String resolveCanonicalHostname(String host) {
        return host;
    }

    @Override
    public String toString() {
        return "EgressDnsResolver[" + savedBy + "]";
    }
}
