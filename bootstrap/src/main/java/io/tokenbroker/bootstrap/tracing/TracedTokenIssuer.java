package io.tokenbroker.bootstrap.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.token.TokenGrant;

/**
 * {@code upstream token call}, a client span per call to a token endpoint (each retry is its own span): provider
 * type, outcome ({@code success}, {@code rejected}, {@code unavailable}, as the metrics say it) and the HTTP status
 * when there was one. Never the URL, the request or the answer.
 */
final class TracedTokenIssuer implements TokenIssuer {

    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("tokenbroker.provider");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("tokenbroker.upstream.outcome");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

    private final TokenIssuer issuer;
    private final TracedPorts spans;

    TracedTokenIssuer(TokenIssuer issuer, TracedPorts spans) {
        this.issuer = issuer;
        this.spans = spans;
    }

    @Override
    public TokenGrant issue(Connection connection) {
        Span span = spans.start("upstream token call", SpanKind.CLIENT, connection.key(), "http");
        span.setAttribute(PROVIDER, connection.provider().wireName());
        return TracedPorts.within(span, () -> {
            try {
                TokenGrant grant = issuer.issue(connection);
                span.setAttribute(OUTCOME, "success");
                span.setAttribute(STATUS, 200L);
                return grant;
            } catch (UpstreamException failure) {
                span.setAttribute(OUTCOME, failure.retryable() ? "unavailable" : "rejected");
                failure.status().ifPresent(status -> span.setAttribute(STATUS, (long) status));
                throw failure;
            }
        });
    }
}
