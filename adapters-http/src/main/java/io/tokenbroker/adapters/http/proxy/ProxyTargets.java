package io.tokenbroker.adapters.http.proxy;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.tokenbroker.adapters.http.inbound.InvalidRequestException;
import io.tokenbroker.adapters.http.upstream.EgressGuard;
import io.tokenbroker.application.port.in.FindConnection;
import io.tokenbroker.application.port.in.UpstreamNotAllowedException;
import io.tokenbroker.domain.connection.ApiBaseUrl;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.egress.AddressClass;
import io.tokenbroker.domain.egress.IpLiteral;
import io.tokenbroker.domain.egress.SavedBy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Where a proxied request goes: the connection's {@code api_base_url} plus the caller's path and query, and nowhere
 * else. The caller cannot name a host: an absolute-form request target, a {@code Host} header naming another host
 * than the broker, and a path that would leave the base (see {@link ApiBaseUrl#resolve}) are refused with a 400
 * before any upstream is contacted; the base itself must be {@code https} (or loopback {@code http} when allowed) and
 * pass the egress policy for the kind of key that saved the connection: its form here, the addresses of its host
 * when the proxy's client opens a connection to it.
 */
final class ProxyTargets {

    private static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "[::1]");

    private final FindConnection findConnection;
    private final EgressGuard egress;
    private final ProxySettings settings;

    ProxyTargets(FindConnection findConnection, EgressGuard egress, ProxySettings settings) {
        this.findConnection = findConnection;
        this.egress = egress;
        this.settings = settings;
    }

    /**
     * Where a proxied request goes, and who saved that: the latter decides which addresses the host may resolve to.
     */
    record Upstream(URI uri, SavedBy savedBy) {
    }

    /** The upstream URL for this request to the connection {@code key}. */
    Upstream target(HttpRequest<?> request, ConnectionKey key) {
        URI asked = request.getUri();
        if (!requestTarget(request).startsWith("/") || asked.isAbsolute() || asked.getRawAuthority() != null) {
            throw new InvalidRequestException("the request target must be a path; the proxy chooses the host");
        }
        requireBrokerHost(request);
        Connection connection = findConnection.find(new FindConnection.Query(key)).connection();
        ApiBaseUrl base = connection.apiBaseUrl().orElseThrow(() -> ProxyFailure.notConfigured(key));
        URI target;
        try {
            target = base.resolve(pathAfterConnection(asked.getRawPath(), key), asked.getRawQuery());
        } catch (IllegalArgumentException escape) {
            throw new InvalidRequestException(escape.getMessage());
        }
        requireCallable(base, connection);
        return new Upstream(target, connection.savedBy());
    }

    /**
     * The request target as it came on the request line: the framework's URI drops the scheme and authority of an
     * absolute-form target ({@code GET http://host/path}), which must be refused, not silently made relative.
     */
    private static String requestTarget(HttpRequest<?> request) {
        return request instanceof NettyHttpRequest<?> netty ? netty.getNativeRequest().uri() : request.getPath();
    }

    /**
     * The caller's path below {@code /v1/proxy/{tenant}/{connection}}, still encoded. The ids must be sent plainly, so
     * the raw path and the route's decoded variables cannot disagree about where the caller's part starts.
     */
    private static String pathAfterConnection(String rawPath, ConnectionKey key) {
        String[] parts = rawPath.split("/", 6);
        if (parts.length < 5 || !parts[3].equals(key.tenant().value())
                || !parts[4].equals(key.connection().value())) {
            throw new InvalidRequestException("the tenant and connection ids must not be percent-encoded");
        }
        return parts.length == 6 ? "/" + parts[5] : "";
    }

    private void requireCallable(ApiBaseUrl base, Connection connection) {
        if (!base.isHttps() && !(settings.allowInsecureLoopback() && isLoopback(base.uri().getHost()))) {
            throw ProxyFailure.insecureBase(connection.key());
        }
        // No lookup here: the client resolves names through the guard when it opens a connection, and answers a
        // refusal or a name that does not resolve as this check would (UpstreamForwarding.send). Resolving here too
        // cost every request a lookup, even over a pooled connection, and every new connection two.
        egress.checkUrl(base.uri(), connection.savedBy()).ifPresent(refused -> {
            throw new UpstreamNotAllowedException(ApiBaseUrl.SETTING, refused);
        });
    }

    /**
     * The proxy never uses {@code Host}, but a caller that sets it to another host is trying to steer a request
     * somewhere: refused rather than ignored, so the attempt is visible.
     */
    private void requireBrokerHost(HttpRequest<?> request) {
        List<String> hosts = request.getHeaders().getAll("Host");
        if (hosts.size() > 1) {
            throw new InvalidRequestException("the request must carry one Host header");
        }
        if (hosts.isEmpty()) {
            return;
        }
        String host = hostOnly(hosts.get(0).trim().toLowerCase(Locale.ROOT));
        InetSocketAddress arrivedOn = request.getServerAddress();
        boolean broker = LOOPBACK_NAMES.contains(host) || settings.brokerHosts().contains(host)
                || arrivedOn != null && arrivedOn.getAddress() != null
                && bare(host).equals(arrivedOn.getAddress().getHostAddress());
        if (!broker) {
            throw new InvalidRequestException("the Host header names another host than the broker; the proxy "
                    + "forwards only to the connection's api_base_url");
        }
    }

    private static String hostOnly(String authority) {
        int portAt = authority.lastIndexOf(':');
        boolean hasPort = portAt > authority.lastIndexOf(']') && authority.indexOf(':') == portAt;
        boolean ipv6WithPort = authority.startsWith("[") && portAt > authority.lastIndexOf(']');
        return hasPort || ipv6WithPort ? authority.substring(0, portAt) : authority;
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static boolean isLoopback(String host) {
        String bare = bare(host.toLowerCase(Locale.ROOT));
        return bare.equals("localhost")
                || IpLiteral.parse(bare).map(AddressClass::of).filter(AddressClass.LOOPBACK::equals).isPresent();
    }
}
