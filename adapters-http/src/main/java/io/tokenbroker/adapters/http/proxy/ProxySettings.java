package io.tokenbroker.adapters.http.proxy;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How the authenticated proxy treats callers' requests.
 *
 * @param allowInsecureLoopback whether an {@code http} (not {@code https}) {@code api_base_url} on a loopback host
 *                              may be called (tests, a sidecar); any other {@code http} base is refused
 * @param maxBufferedBody       bodies up to this many bytes are held so the call can be retried after a 401
 * @param maxBody               larger bodies stream through, up to this many bytes, and are not retried
 * @param brokerHosts           names callers may address the broker by in {@code Host}, besides loopback names and
 *                              the address the request arrived on (list the public name behind a load balancer)
 */
public record ProxySettings(boolean allowInsecureLoopback, long maxBufferedBody, long maxBody,
                            List<String> brokerHosts) {

    public ProxySettings {
        if (maxBufferedBody < 0 || maxBody < maxBufferedBody) {
            throw new IllegalArgumentException("the proxy needs 0 <= max-buffered-body <= max-body");
        }
        brokerHosts = Objects.requireNonNull(brokerHosts, "brokerHosts").stream()
                .map(host -> host.toLowerCase(Locale.ROOT)).toList();
    }
}
