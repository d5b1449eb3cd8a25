package io.tokenbroker.adapters.http.inbound;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;

/** Problem responses for the edge's filters, which live outside this package. */
public final class ProblemResponses {

    private ProblemResponses() {
    }

    public static MutableHttpResponse<Problem> problem(HttpRequest<?> request, HttpStatus status, String slug,
                                                       String title, String detail) {
        return Problems.response(request, status, slug, title, detail);
    }
}
