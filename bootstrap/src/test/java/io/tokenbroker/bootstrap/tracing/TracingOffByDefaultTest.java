package io.tokenbroker.bootstrap.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.tracing.opentelemetry.instrument.http.server.OpenTelemetryServerFilter;
import io.micronaut.web.router.Router;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.tokenbroker.application.port.out.Connections;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.TokenStore;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The production configuration without any {@code otel.*} setting: no exporter, the API's no-op OpenTelemetry, and
 * the token flow's ports unwrapped. Also the rule that turns tracing on.
 */
@MicronautTest
class TracingOffByDefaultTest {

    @Inject
    ApplicationContext context;
    @Inject
    OpenTelemetry openTelemetry;
    @Inject
    TracedPorts traced;

    @Test
    void withoutConfigurationNothingIsRecordedOrExported() {
        assertFalse(openTelemetry instanceof OpenTelemetrySdk);
        assertTrue(context.getBeansOfType(SpanExporter.class).isEmpty());
        Span span = openTelemetry.getTracer("probe").spanBuilder("probe").startSpan();
        assertFalse(span.isRecording());
        assertFalse(span.getSpanContext().isValid());
    }

    @Test
    void withoutConfigurationThePortsAreNotWrapped() {
        TokenStore tokens = context.getBean(TokenStore.class);
        Connections connections = context.getBean(Connections.class);
        LockManager locks = context.getBean(LockManager.class);
        TokenIssuer issuer = context.getBean(TokenIssuer.class);
        assertSame(tokens, traced.tokenStore(tokens));
        assertSame(connections, traced.connections(connections));
        assertSame(locks, traced.lockManager(locks));
        assertSame(issuer, traced.tokenIssuer(issuer));
    }

    @Test
    void withoutConfigurationNoRequestPassesTheTracingFilter() {
        assertEquals(List.of(), context.getBean(Router.class)
                .findFilters(HttpRequest.GET("/v1/tenants/t/connections/c/token")).stream()
                .filter(filter -> filter.toString().contains(OpenTelemetryServerFilter.class.getSimpleName())).toList());
        assertEquals(ServerSpanPath.NO_PATH, context.getProperty("tracing.http.server.path", String.class).orElseThrow());
    }

    @Test
    void anExporterOrAnOtlpEndpointTurnsTracingOn() {
        assertEquals(Optional.empty(), TracingFactory.exporter(Map.of()));
        assertEquals(Optional.empty(), TracingFactory.exporter(Map.of("traces.exporter", "none",
                "exporter.otlp.endpoint", "http://127.0.0.1:4318")));
        assertEquals(Optional.of("otlp"), TracingFactory.exporter(Map.of("exporter.otlp.endpoint",
                "http://127.0.0.1:4317")));
        assertEquals(Optional.of("otlp"), TracingFactory.exporter(Map.of("exporter.otlp.traces.endpoint",
                "http://127.0.0.1:4318/v1/traces")));
        assertEquals(Optional.of("logging"), TracingFactory.exporter(Map.of("traces.exporter", "logging")));
    }
}
