package io.tokenbroker.adapters.http.proxy;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.tokenbroker.adapters.http.inbound.Problems;
import jakarta.inject.Singleton;

/** The proxy's own failures as problem+json (more specific than the edge's handler of every runtime exception). */
@Singleton
@Produces("application/problem+json")
final class ProxyFailureHandler implements ExceptionHandler<ProxyFailure, HttpResponse<?>> {

    @Override
    public HttpResponse<?> handle(HttpRequest request, ProxyFailure failure) {
        return Problems.response(request, failure.status(), failure.problemType(), failure.title(),
                failure.getMessage());
    }
}
