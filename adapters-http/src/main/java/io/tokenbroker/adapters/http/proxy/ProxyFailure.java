package io.tokenbroker.adapters.http.proxy;

import io.micronaut.http.HttpStatus;
import io.tokenbroker.domain.connection.ConnectionKey;

/**
 * The proxy's own failures, those of the forwarding rather than of the token flow (which are
 * {@code BrokerException}s): answered as problem+json by {@link ProxyFailureHandler}. Details never quote the
 * upstream or the caller's request.
 */
final class ProxyFailure extends RuntimeException {

    private final HttpStatus status;
    private final String problemType;
    private final String title;

    private ProxyFailure(HttpStatus status, String problemType, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.problemType = problemType;
        this.title = title;
    }

    static ProxyFailure notConfigured(ConnectionKey key) {
        return new ProxyFailure(HttpStatus.CONFLICT, "proxy-not-configured", "The connection has no API to proxy to",
                "Connection " + key + " has no api_base_url; save it with one to call its API through the proxy.");
    }

    static ProxyFailure insecureBase(ConnectionKey key) {
        return new ProxyFailure(HttpStatus.CONFLICT, "proxy-not-configured", "The connection has no API to proxy to",
                "The api_base_url of " + key + " must be https (http only for a loopback host, and only with "
                        + "tokenbroker.proxy.allow-insecure-loopback=true).");
    }

    static ProxyFailure tooLarge(long limit) {
        return new ProxyFailure(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "proxy-body-too-large", "Request body too large",
                "The proxy forwards bodies of at most " + limit + " bytes.");
    }

    static ProxyFailure unreachable() {
        return new ProxyFailure(HttpStatus.BAD_GATEWAY, "proxy-upstream-unreachable", "The API could not be reached",
                "The connection's API did not answer (connection refused, reset or unresolvable).");
    }

    static ProxyFailure timedOut() {
        return new ProxyFailure(HttpStatus.GATEWAY_TIMEOUT, "proxy-upstream-timeout", "The API did not answer in time",
                "The connection's API did not answer within the proxy's timeout.");
    }

    HttpStatus status() {
        return status;
    }

    String problemType() {
        return problemType;
    }

    String title() {
        return title;
    }
}
