package io.tokenbroker.adapters.http.inbound;

import io.micronaut.context.annotation.Primary;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.util.Locale;

/**
 * Turns the framework's own errors (unknown route, wrong method, unreadable JSON, wrong media type) into
 * problem+json. The framework's message is dropped on purpose: it can quote the request body, and a body that
 * failed to parse may still hold a client secret.
 */
@Primary
@Singleton
public final class ProblemErrorResponseProcessor implements ErrorResponseProcessor<Problem> {

    @Override
    public MutableHttpResponse<Problem> processResponse(ErrorContext errorContext, MutableHttpResponse<?> response) {
        HttpStatus status = response.getStatus();
        String detail = switch (status) {
            case BAD_REQUEST -> "The request could not be read: check that the body is well-formed JSON of the "
                    + "documented shape and that the parameters are valid.";
            case UNAUTHORIZED -> "Send a valid API key as X-API-Key or Authorization: Bearer.";
            case FORBIDDEN -> "This API key lacks the scope this endpoint needs.";
            case NOT_FOUND -> "No such resource.";
            case METHOD_NOT_ALLOWED -> "This resource does not support that method.";
            case UNSUPPORTED_MEDIA_TYPE -> "Send the body as application/json.";
            case NOT_ACCEPTABLE -> "This resource answers in JSON only.";
            case REQUEST_ENTITY_TOO_LARGE -> "The request body is too large.";
            default -> status.getCode() >= 500 ? "The broker failed unexpectedly; the failure is in its log." : null;
        };
        String slug = status.getReason().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        MutableHttpResponse<Problem> problem = Problems.response(errorContext.getRequest(), status, slug,
                status.getReason(), detail);
        response.getHeaders().forEach((name, values) -> {
            if (!problem.getHeaders().contains(name)) {
                values.forEach(value -> problem.header(name, value));
            }
        });
        return problem;
    }
}
