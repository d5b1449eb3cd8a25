package io.tokenbroker.adapters.http.proxy;

import io.micronaut.http.MutableHttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which headers cross the proxy. Hop-by-hop headers (RFC 9110 7.6.1, and any the {@code Connection} header names)
 * belong to one connection and never cross in either direction. The caller's credentials for the broker
 * ({@code X-API-Key}, {@code Authorization}) and its cookies are the broker's business, not the upstream's; the
 * {@code Host} and forwarding headers are recomputed or dropped so the caller cannot steer the upstream's routing.
 */
final class ForwardedHeaders {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");
    private static final Set<String> CALLER_ONLY = Set.of("host", "x-api-key", "authorization", "cookie",
            "content-length", "expect", "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
            "x-forwarded-port", "x-forwarded-prefix", "x-real-ip");
    /** The broker's own request headers (such as the minimum validity) are read by it, not forwarded. */
    private static final String BROKER_PREFIX = "tokenbroker-";

    private ForwardedHeaders() {
    }

    /** The caller's request headers, made fit for the upstream, with the connection's token as the credential. */
    static void toUpstream(MutableHttpHeaders headers, String token) {
        removeAll(headers, true);
        headers.set("Authorization", "Bearer " + token);
    }

    /** The upstream's answer headers, made fit for the caller: only what belongs to the connection goes. */
    static void toCaller(MutableHttpHeaders headers) {
        removeAll(headers, false);
    }

    private static void removeAll(MutableHttpHeaders headers, boolean request) {
        List<String> drop = new ArrayList<>();
        headers.getAll("Connection").forEach(value -> {
            for (String named : value.split(",")) {
                drop.add(named.trim().toLowerCase(Locale.ROOT));
            }
        });
        for (String name : headers.names()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(lower) || drop.contains(lower)
                    || request && (CALLER_ONLY.contains(lower) || lower.startsWith(BROKER_PREFIX))) {
                drop.add(name);
            }
        }
        drop.forEach(headers::remove);
    }
}
