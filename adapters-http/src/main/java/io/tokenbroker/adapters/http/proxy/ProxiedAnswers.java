package io.tokenbroker.adapters.http.proxy;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;

/**
 * Tells the edge's response filters which answers are the upstream's: those pass through as the upstream sent them
 * (only {@code X-Request-Id} is added); every other answer on a proxy route is the broker's own and says so.
 */
public final class ProxiedAnswers {

    /** On the broker's own answers to proxy routes, so callers can tell them from the upstream's. */
    public static final String BROKER_ERROR_HEADER = "Tokenbroker-Error";
    static final String PATH_PREFIX = "/v1/proxy/";
    private static final String ATTRIBUTE = ProxiedAnswers.class.getName() + ".upstream";

    private ProxiedAnswers() {
    }

    static <T extends MutableHttpResponse<?>> T mark(T response) {
        response.setAttribute(ATTRIBUTE, Boolean.TRUE);
        return response;
    }

    /** Whether this answer is the upstream's, passed through. */
    public static boolean isUpstreamAnswer(HttpResponse<?> response) {
        return response.getAttribute(ATTRIBUTE, Boolean.class).orElse(false);
    }

    /** Whether the request is for a proxy route (where the broker's answers carry {@link #BROKER_ERROR_HEADER}). */
    public static boolean isProxyPath(String path) {
        return path.startsWith(PATH_PREFIX);
    }
}
