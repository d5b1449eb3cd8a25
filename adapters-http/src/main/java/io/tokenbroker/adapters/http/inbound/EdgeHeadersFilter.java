package io.tokenbroker.adapters.http.inbound;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.propagation.MutablePropagatedContext;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.tokenbroker.adapters.http.proxy.ProxiedAnswers;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Headers every answer carries: the request id (the caller's {@code X-Request-Id} when it is a sane token, a new
 * one otherwise) so a caller's report can be matched to the broker's log, and the defensive headers of an API
 * that hands out credentials: nothing is cached, sniffed, framed or referred; HSTS when TLS is on.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public final class EdgeHeadersFilter implements Ordered {

    static final String REQUEST_ID = "X-Request-Id";
    private static final String REQUEST_ID_ATTRIBUTE = EdgeHeadersFilter.class.getName() + ".requestId";
    /** The API's bodies are small JSON documents; the server's own ceiling is the proxy's, far larger. */
    private static final long MAX_JSON_BODY = 64 * 1024;
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    /**
     * Before security, so that its refusals (401, 403) carry the request id too, and on proxy routes say that they
     * are the broker's.
     */
    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.before();
    }

    /**
     * A body without a content type is refused rather than guessed at: a client that forgot the header may be
     * sending something else entirely, and guessing JSON hides the bug.
     */
    /** The id every log line of this request carries (MDC key {@code requestId}) and the answer echoes. */
    @RequestFilter
    public void requestId(HttpRequest<?> request, MutablePropagatedContext context) {
        String given = request.getHeaders().get(REQUEST_ID);
        String id = given != null && SANE_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
        request.setAttribute(REQUEST_ID_ATTRIBUTE, id);
        context.add(new RequestIdLogContext(id));
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> requireContentType(HttpRequest<?> request) {
        if (ProxiedAnswers.isProxyPath(request.getPath())) {
            return null; // a proxied body is the API's business, whatever its type and size (up to the proxy's limit)
        }
        if (request.getContentLength() > MAX_JSON_BODY) {
            return Problems.response(request, HttpStatus.REQUEST_ENTITY_TOO_LARGE, "request-entity-too-large",
                    "Request Entity Too Large", "The request body is too large.");
        }
        boolean hasBody = request.getContentLength() > 0
                || request.getHeaders().contains(HttpHeaders.TRANSFER_ENCODING);
        if (hasBody && request.getContentType().isEmpty()) {
            return Problems.response(request, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                    "Unsupported Media Type", "Send the body as application/json, with a Content-Type header.");
        }
        return null;
    }

    /**
     * An upstream's answer passed through by the proxy gets only the request id: its caching, framing and content
     * headers are the upstream's to set. The broker's own answers on proxy routes say that they are.
     */
    @ResponseFilter
    public void headers(HttpRequest<?> request, MutableHttpResponse<?> response) {
        response.header(REQUEST_ID, request.getAttribute(REQUEST_ID_ATTRIBUTE, String.class)
                .orElseGet(() -> UUID.randomUUID().toString()));
        if (ProxiedAnswers.isUpstreamAnswer(response)) {
            return;
        }
        if (ProxiedAnswers.isProxyPath(request.getPath())) {
            response.header(ProxiedAnswers.BROKER_ERROR_HEADER, "true");
        }
        response.header("X-Content-Type-Options", "nosniff");
        response.header("X-Frame-Options", "DENY");
        response.header("Referrer-Policy", "no-referrer");
        if (!response.getHeaders().contains("Cache-Control")) {
            response.header("Cache-Control", "no-store");
        }
        if (request.isSecure()) {
            response.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        }
    }
}
