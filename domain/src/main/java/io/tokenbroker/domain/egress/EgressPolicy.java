package io.tokenbroker.domain.egress;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Which outbound targets a connection may name, decided on the URL and on every address its host resolves to.
 * <ul>
 *   <li>Only http and https, with a host.</li>
 *   <li>Link-local (cloud metadata), unspecified, multicast, broadcast and reserved addresses: refused for everyone,
 *       unless the operator lists the exact host name or a block holding the address.</li>
 *   <li>Loopback and private addresses: allowed for operators; for tenants only when the operator lists the host by
 *       name, pattern or block.</li>
 *   <li>Public addresses: allowed.</li>
 * </ul>
 * Pure: resolving host names is the caller's job (at save time where it can, at call time always).
 */
public final class EgressPolicy {

    private final AllowedHosts allowed;

    public EgressPolicy(AllowedHosts allowed) {
        this.allowed = Objects.requireNonNull(allowed, "allowed");
    }

    /** Every target allowed to operators, nothing listed: the broker's behaviour before it had a policy. */
    public static EgressPolicy defaults() {
        return new EgressPolicy(AllowedHosts.none());
    }

    /**
     * Checks what can be checked without a lookup: the scheme, the host's presence, and the address when the host is
     * an IP literal.
     */
    public Optional<EgressRefusal> checkUrl(URI url, SavedBy savedBy) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return Optional.of(new EgressRefusal(EgressRefusal.Reason.NOT_HTTP, "only http and https URLs are allowed"));
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            return Optional.of(new EgressRefusal(EgressRefusal.Reason.NOT_HTTP, "the URL has no host"));
        }
        return IpLiteral.parse(host).flatMap(address -> checkAddress(host, address, savedBy));
    }

    /** Checks one address that {@code host} resolved to; a host is allowed only when every one of its addresses is. */
    public Optional<EgressRefusal> checkAddress(String host, byte[] address, SavedBy savedBy) {
        AddressClass kind = AddressClass.of(address);
        if (kind.alwaysRefused()) {
            return allowed.listsExactly(host, address) ? Optional.empty() : Optional.of(new EgressRefusal(
                    EgressRefusal.Reason.FORBIDDEN_ADDRESS, "the host's address is in a range the broker never calls"));
        }
        if (kind == AddressClass.PUBLIC || savedBy == SavedBy.OPERATOR || allowed.admits(host, address)) {
            return Optional.empty();
        }
        return Optional.of(new EgressRefusal(EgressRefusal.Reason.PRIVATE_ADDRESS,
                "the host's address is private to the broker's network and not on its allowed list"));
    }
}
