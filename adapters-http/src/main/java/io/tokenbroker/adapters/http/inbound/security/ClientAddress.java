package io.tokenbroker.adapters.http.inbound.security;

import io.micronaut.http.HttpRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The caller's address for throttling and rate limits: the peer's, as Micronaut resolves it (which honours
 * {@code micronaut.server.client-address-header} when the broker runs behind a proxy that sets one).
 */
final class ClientAddress {

    private ClientAddress() {
    }

    static String of(HttpRequest<?> request) {
        return Optional.ofNullable(request.getRemoteAddress()).map(InetSocketAddress::getAddress)
                .map(InetAddress::getHostAddress).orElse("unknown");
    }
}
