package io.tokenbroker.bootstrap.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.TokenStore;
import io.tokenbroker.bootstrap.AdapterSelection;
import io.tokenbroker.bootstrap.AdapterSelection.Port;
import io.tokenbroker.domain.connection.ConnectionKey;
import jakarta.inject.Singleton;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Wraps the out-ports of the token flow in spans (the core knows nothing of tracing): {@code lease wait},
 * {@code upstream token call}, {@code vault read}/{@code vault write}, {@code token store read}/{@code put}/
 * {@code delete}, each a child of whatever span is current (the request's server span, on the request's thread).
 * Every span names its adapter ({@code tokenbroker.adapter}: memory, redis, postgres) and, for
 * {@link SpanRedaction} to keep or drop, the tenant and connection. With tracing off the ports are returned as they
 * are: no wrapper on the request path.
 */
@Singleton
public final class TracedPorts {

    static final AttributeKey<String> ADAPTER = AttributeKey.stringKey("tokenbroker.adapter");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Tracer tracer;
    private final boolean on;
    private final AdapterSelection selection;

    public TracedPorts(OpenTelemetry openTelemetry, AdapterSelection selection) {
        this.tracer = openTelemetry.getTracer("io.tokenbroker");
        this.on = openTelemetry instanceof OpenTelemetrySdk;
        this.selection = selection;
    }

    public TokenIssuer tokenIssuer(TokenIssuer issuer) {
        return on ? new TracedTokenIssuer(issuer, this) : issuer;
    }

    public LockManager lockManager(LockManager locks) {
        return on ? new TracedLockManager(locks, this, adapter(Port.LEASES)) : locks;
    }

    public Connections connections(Connections connections) {
        return on ? new TracedConnections(connections, this, adapter(Port.CONNECTIONS)) : connections;
    }

    public TokenStore tokenStore(TokenStore tokens) {
        return on ? new TracedTokenStore(tokens, this, adapter(Port.TOKENS)) : tokens;
    }

    private String adapter(Port port) {
        return selection.of(port).name().toLowerCase(Locale.ROOT);
    }

    Span start(String name, SpanKind kind, ConnectionKey key, String adapter) {
        return tracer.spanBuilder(name).setSpanKind(kind)
                .setAttribute(SpanRedaction.TENANT, key.tenant().value())
                .setAttribute(SpanRedaction.CONNECTION, key.connection().value())
                .setAttribute(ADAPTER, adapter)
                .startSpan();
    }

    /** Runs {@code work} with {@code span} current and ends it; a failure marks it with the failure's type only. */
    static <T> T within(Span span, Supplier<T> work) {
        try (Scope ignored = span.makeCurrent()) {
            return work.get();
        } catch (RuntimeException failed) {
            span.setStatus(StatusCode.ERROR);
            span.setAttribute(ERROR_TYPE, failed.getClass().getSimpleName());
            throw failed;
        } finally {
            span.end();
        }
    }
}
