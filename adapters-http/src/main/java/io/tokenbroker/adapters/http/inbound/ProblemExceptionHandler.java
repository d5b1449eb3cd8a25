package io.tokenbroker.adapters.http.inbound;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.tokenbroker.application.port.in.BrokerException;
import io.tokenbroker.application.port.in.BrokerUnavailableException;
import io.tokenbroker.application.port.out.StoreUnavailableException;
import io.tokenbroker.domain.connection.InvalidIdentifierException;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps the core's typed failures to problem+json, once, at the edge: every {@link BrokerException} by its kind, and
 * the three input failures raised outside the core (Bean Validation, the domain's identifier checks, the
 * controllers' own). Micronaut's own, more specific handlers still take the framework's exceptions; whatever else
 * reaches this handler is a bug and becomes a 500 whose body says nothing about it.
 */
@Singleton
@Produces(Problems.MEDIA_TYPE)
@Requires(classes = {RuntimeException.class, ExceptionHandler.class})
public final class ProblemExceptionHandler implements ExceptionHandler<RuntimeException, HttpResponse<?>> {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemExceptionHandler.class);

    @Override
    public HttpResponse<?> handle(HttpRequest request, RuntimeException exception) {
        if (exception instanceof BrokerException failure) {
            return Problems.withRetryAfter(Problems.response(request, status(failure.kind()), failure.problemType(),
                    failure.title(), failure.detail()), failure.retryAfter());
        }
        if (exception instanceof StoreUnavailableException down) {
            // An outage no service translated (a filter, an interceptor): still the caller's 503, never a 500.
            LOG.warn("store unavailable on {} {}: {}", request.getMethodName(), request.getPath(), down.getMessage());
            return handle(request, new BrokerUnavailableException(down));
        }
        if (exception instanceof InvalidIdentifierException invalid) {
            return Problems.response(request, status(BrokerException.Kind.INVALID), "invalid-identifier",
                    "Invalid identifier", invalid.getMessage());
        }
        if (exception instanceof ConstraintViolationException violations) {
            // Bean Validation's messages name the rule ("size must be between 0 and 512"), never the value.
            String detail = violations.getConstraintViolations().stream()
                    .map(violation -> lastNode(violation.getPropertyPath()) + ": " + violation.getMessage())
                    .sorted().collect(Collectors.joining("; "));
            return invalidRequest(request, detail);
        }
        if (exception instanceof InvalidRequestException invalid) {
            return invalidRequest(request, invalid.getMessage());
        }
        LOG.error("unhandled failure on {} {}", request.getMethodName(), request.getPath(), exception);
        return Problems.response(request, HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                "The broker failed unexpectedly; the failure is in its log.");
    }

    /** Exhaustive: a new kind does not compile until it has a status. */
    static HttpStatus status(BrokerException.Kind kind) {
        return switch (kind) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case REJECTED_UPSTREAM -> HttpStatus.BAD_GATEWAY;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case THROTTLED -> HttpStatus.TOO_MANY_REQUESTS;
            case INVALID -> HttpStatus.BAD_REQUEST;
            case UNSATISFIABLE -> HttpStatus.UNPROCESSABLE_ENTITY;
        };
    }

    private static HttpResponse<?> invalidRequest(HttpRequest<?> request, String detail) {
        return Problems.response(request, status(BrokerException.Kind.INVALID), "invalid-request", "Invalid request",
                detail);
    }

    private static String lastNode(Path path) {
        String name = "";
        for (Path.Node node : path) {
            if (node.getName() != null) {
                name = node.getName();
            }
        }
        return name;
    }
}
