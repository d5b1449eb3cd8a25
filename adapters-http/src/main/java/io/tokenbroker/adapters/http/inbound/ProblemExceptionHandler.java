package io.tokenbroker.adapters.http.inbound;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.tokenbroker.application.port.in.AuthenticateCaller;
import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.application.port.in.ManageApiKeys;
import io.tokenbroker.application.port.in.ReauthorisationNeededException;
import io.tokenbroker.application.port.in.TokenUnavailableException;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.domain.connection.InvalidIdentifierException;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolationException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps the core's typed failures to problem+json, once, at the edge. Micronaut's own, more specific handlers
 * still take the framework's exceptions; whatever else reaches this handler is a bug and becomes a 500 whose body
 * says nothing about it.
 */
@Singleton
@Produces(Problems.MEDIA_TYPE)
@Requires(classes = {RuntimeException.class, ExceptionHandler.class})
public final class ProblemExceptionHandler implements ExceptionHandler<RuntimeException, HttpResponse<?>> {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemExceptionHandler.class);

    @Override
    public HttpResponse<?> handle(HttpRequest request, RuntimeException exception) {
        if (exception instanceof ConnectionNotFoundException) {
            return Problems.response(request, HttpStatus.NOT_FOUND, "connection-not-found", "Connection not found",
                    "No connection is registered under this tenant and name.");
        }
        if (exception instanceof InvalidIdentifierException invalid) {
            return Problems.response(request, HttpStatus.BAD_REQUEST, "invalid-identifier", "Invalid identifier",
                    invalid.getMessage());
        }
        if (exception instanceof ConstraintViolationException violations) {
            // Bean Validation's messages name the rule ("size must be between 0 and 512"), never the value.
            String detail = violations.getConstraintViolations().stream()
                    .map(violation -> lastNode(violation.getPropertyPath()) + ": " + violation.getMessage())
                    .sorted().collect(java.util.stream.Collectors.joining("; "));
            return Problems.response(request, HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail);
        }
        if (exception instanceof InvalidRequestException invalid) {
            return Problems.response(request, HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                    invalid.getMessage());
        }
        if (exception instanceof UpstreamException.Rejected rejected) {
            return Problems.response(request, HttpStatus.BAD_GATEWAY, "upstream-rejected",
                    "The provider refused to issue a token",
                    "The provider's token endpoint refused: " + rejected.errorCode().orElse("unknown")
                            + ". Check the connection's credentials.");
        }
        if (exception instanceof UpstreamException.Unavailable unavailable) {
            return Problems.withRetryAfter(Problems.response(request, HttpStatus.SERVICE_UNAVAILABLE,
                    "upstream-unavailable", "The provider is unavailable",
                    "The provider's token endpoint failed: " + unavailable.errorCode().orElse("unknown") + "."),
                    unavailable.retryAfter());
        }
        if (exception instanceof ReauthorisationNeededException needed) {
            return Problems.response(request, HttpStatus.CONFLICT, "reauthorization-required",
                    "The connection needs re-authorization",
                    "The provider refused the stored refresh token (invalid_grant) at " + needed.since()
                            + ". Save the connection again with a new refresh token from the tenant's consent.");
        }
        if (exception instanceof AuthenticateCaller.Throttled throttled) {
            return Problems.withRetryAfter(Problems.response(request, HttpStatus.TOO_MANY_REQUESTS,
                    "authentication-throttled", "Too many failed authentications",
                    "Too many requests with invalid API keys came from this address or for this key."),
                    Optional.of(throttled.retryAfter()));
        }
        if (exception instanceof ManageApiKeys.ApiKeyNotFoundException) {
            return Problems.response(request, HttpStatus.NOT_FOUND, "api-key-not-found", "API key not found",
                    "No active API key has this id.");
        }
        if (exception instanceof TokenUnavailableException busy) {
            return Problems.withRetryAfter(Problems.response(request, HttpStatus.SERVICE_UNAVAILABLE,
                    "token-unavailable", "No token available yet", busy.getMessage()), busy.retryAfter());
        }
        LOG.error("unhandled failure on {} {}", request.getMethodName(), request.getPath(), exception);
        return Problems.response(request, HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                "The broker failed unexpectedly; the failure is in its log.");
    }

    private static String lastNode(jakarta.validation.Path path) {
        String name = "";
        for (jakarta.validation.Path.Node node : path) {
            if (node.getName() != null) {
                name = node.getName();
            }
        }
        return name;
    }
}
