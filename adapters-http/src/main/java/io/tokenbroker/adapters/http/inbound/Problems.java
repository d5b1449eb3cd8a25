package io.tokenbroker.adapters.http.inbound;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Builds problem+json responses; the one place that knows their shape and headers (the edge filters in
 * {@code security} use it too).
 */
public final class Problems {

    static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    public static MutableHttpResponse<Problem> response(HttpRequest<?> request, HttpStatus status, String slug, String title,
                                                 String detail) {
        Problem problem = new Problem(Problem.type(slug), title, status.getCode(), detail, request.getPath());
        return HttpResponse.<Problem>status(status)
                .contentType(MEDIA_TYPE)
                .header("Cache-Control", "no-store")
                .body(problem);
    }

    public static MutableHttpResponse<Problem> withRetryAfter(MutableHttpResponse<Problem> response,
                                                       Optional<Duration> retryAfter) {
        retryAfter.ifPresent(wait -> response.header("Retry-After",
                Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000))));
        return response;
    }
}
