package io.tokenbroker.adapters.http.inbound.security;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpAttributes;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.security.authentication.Authentication;
import io.tokenbroker.adapters.http.inbound.Problems;
import io.tokenbroker.adapters.http.proxy.ProxiedAnswers;
import io.tokenbroker.application.port.in.AdmitRequest;
import io.tokenbroker.domain.apikey.Admission;
import io.tokenbroker.domain.apikey.ApiKeyId;
import java.util.Optional;

/**
 * Rate limits per API key and per client address on the API, after authentication (so the key is known). Over the
 * limit: 429 problem with {@code Retry-After}; every answer carries the {@code RateLimit-*} headers of the IETF
 * draft so well-behaved callers can pace themselves.
 */
@ServerFilter("/v1/**")
public final class RateLimitFilter implements Ordered {

    private static final String ADMISSION = RateLimitFilter.class.getName() + ".admission";

    private final AdmitRequest admitRequest;

    public RateLimitFilter(AdmitRequest admitRequest) {
        this.admitRequest = admitRequest;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }

    /** On the event loop: both adapters answer from memory (Redis budgets are leased in the background). */
    @RequestFilter
    @Nullable
    public HttpResponse<?> admit(HttpRequest<?> request) {
        Optional<ApiKeyId> key = request.getUserPrincipal(Authentication.class).map(Authentication::getName)
                .filter(ApiKeyId::isValid).map(ApiKeyId::new);
        String address = ClientAddress.of(request);
        Admission admission = admitRequest.admit(new AdmitRequest.Command(key, address));
        request.setAttribute(ADMISSION, admission);
        if (admission.allowed()) {
            return null;
        }
        MutableHttpResponse<?> refused = Problems.withRetryAfter(Problems.response(request,
                HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests",
                "This API key or address sent more requests than its limit allows; retry after the window resets."),
                Optional.of(admission.resetAfter()));
        headers(refused, admission);
        return refused;
    }

    /** Not on an upstream's answer passed through by the proxy: its own {@code RateLimit-*} headers are the API's. */
    @ResponseFilter
    public void headers(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (ProxiedAnswers.isUpstreamAnswer(response)) {
            return;
        }
        request.getAttribute(ADMISSION, Admission.class).filter(Admission::allowed)
                .ifPresent(admission -> headers(response, admission));
    }

    private static void headers(MutableHttpResponse<?> response, Admission admission) {
        if (admission.limit() > 0) {
            response.header("RateLimit-Limit", Long.toString(admission.limit()));
            response.header("RateLimit-Remaining", Long.toString(admission.remaining()));
            response.header("RateLimit-Reset", Long.toString(Math.max(0, admission.resetAfter().toSeconds())));
        }
    }
}
