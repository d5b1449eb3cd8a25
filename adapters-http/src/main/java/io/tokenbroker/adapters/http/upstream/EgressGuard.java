package io.tokenbroker.adapters.http.upstream;

import io.tokenbroker.application.port.out.OutboundTargets;
import io.tokenbroker.domain.egress.EgressPolicy;
import io.tokenbroker.domain.egress.EgressRefusal;
import io.tokenbroker.domain.egress.SavedBy;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Applies the {@link EgressPolicy} where the broker opens outbound connections: on the URL, and on every address its
 * host resolves to.
 *
 * <p>The token endpoint's client connects to exactly the address checked here ({@link #checkAndResolve}); the
 * proxy's client and the webhook sender's resolve through {@link #checkHost} when they connect
 * ({@link EgressResolverGroup}, {@link EgressDnsResolver}). Either way a name that resolves differently a moment
 * later (DNS rebinding) cannot steer them to an address the policy refuses.
 */
public final class EgressGuard implements OutboundTargets {

    /** Resolves a host name to every address it has; the JVM's resolver (and its cache) in production. */
    @FunctionalInterface
    public interface HostResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final EgressPolicy policy;
    private final HostResolver resolver;

    public EgressGuard(EgressPolicy policy, HostResolver resolver) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    public static EgressGuard system(EgressPolicy policy) {
        return new EgressGuard(policy, InetAddress::getAllByName);
    }

    /**
     * At save time: the URL's form, and its host's addresses when the name resolves. A name that does not resolve is
     * not refused here (the broker may be offline, or the name internal to where it will run); the call-time check
     * still applies.
     */
    @Override
    public Optional<EgressRefusal> checkAtSave(URI url, SavedBy savedBy) {
        try {
            return checkBeforeCall(url, savedBy);
        } catch (UnknownHostException unresolved) {
            return Optional.empty();
        }
    }

    /**
     * Just before a request goes out: the URL and every resolved address must pass.
     *
     * @throws UnknownHostException when the host does not resolve (the caller treats it as unreachable)
     */
    public Optional<EgressRefusal> checkBeforeCall(URI url, SavedBy savedBy) throws UnknownHostException {
        return checkAndResolve(url, savedBy).refusal();
    }

    /**
     * What can be judged without a lookup: the scheme, the host's presence, and the address when the host is an IP
     * literal. For a client whose resolver hook asks {@link #checkHost} each time it opens a connection
     * ({@link EgressResolverGroup}): names are resolved and judged there, once per connection, so a request that
     * reuses a pooled connection waits for no DNS lookup.
     */
    public Optional<EgressRefusal> checkUrl(URI url, SavedBy savedBy) {
        return policy.checkUrl(url, savedBy);
    }

    /**
     * {@link #checkBeforeCall}, also handing back the addresses it checked, so that a client with a hook for it
     * connects to one of those and does not resolve the name a second time.
     *
     * @throws UnknownHostException when the host does not resolve (the caller treats it as unreachable)
     */
    public CheckedTarget checkAndResolve(URI url, SavedBy savedBy) throws UnknownHostException {
        Optional<EgressRefusal> form = checkUrl(url, savedBy);
        if (form.isPresent()) {
            return new CheckedTarget(form, List.of());
        }
        return checkHost(url.getHost(), savedBy);
    }

    /**
     * The host's addresses, each checked: for a client's resolver hook, called when it opens a connection, once the
     * URL's form has passed {@link #checkUrl} (or, for a URL fixed in configuration, {@link #checkAtSave} at
     * start-up).
     *
     * @throws UnknownHostException when the host does not resolve (the caller treats it as unreachable)
     */
    public CheckedTarget checkHost(String host, SavedBy savedBy) throws UnknownHostException {
        InetAddress[] addresses = resolver.resolve(bare(host));
        return new CheckedTarget(checkAddresses(host, addresses, savedBy), List.of(addresses));
    }

    /**
     * What the call-time check found.
     *
     * @param refusal   why the target is refused, if it is
     * @param addresses every address the host resolved to, all checked (in the resolver's order); empty when the URL
     *                  itself was refused
     */
    public record CheckedTarget(Optional<EgressRefusal> refusal, List<InetAddress> addresses) {

        /**
         * For a client's resolver hook: the addresses it may connect to.
         *
         * @throws EgressRefusedException when the policy refuses one of them (an {@link UnknownHostException}, so
         *                                the client fails the connect as for a name that does not resolve)
         * @throws UnknownHostException   when {@code host} resolved to nothing
         */
        public List<InetAddress> connectable(String host) throws UnknownHostException {
            if (refusal.isPresent()) {
                throw new EgressRefusedException(refusal.get());
            }
            if (addresses.isEmpty()) {
                throw new UnknownHostException(host);
            }
            return addresses;
        }
    }

    private Optional<EgressRefusal> checkAddresses(String host, InetAddress[] addresses, SavedBy savedBy) {
        for (InetAddress address : addresses) {
            Optional<EgressRefusal> refusal = policy.checkAddress(host, address.getAddress(), savedBy);
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        return Optional.empty();
    }

    /** URI hosts keep IPv6 literals in brackets; the resolver wants them bare. */
    static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
