package io.tokenbroker.bootstrap.tracing;

import static io.micronaut.core.util.StringUtils.isNotEmpty;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.convert.format.MapFormat;
import io.micronaut.runtime.ApplicationConfiguration;
import io.micronaut.tracing.opentelemetry.DefaultOpenTelemetryFactory;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link OpenTelemetry} every span goes through. Off unless configured: without a traces exporter
 * ({@code otel.traces.exporter} / {@code OTEL_TRACES_EXPORTER}), an OTLP endpoint
 * ({@code otel.exporter.otlp[.traces].endpoint} / {@code OTEL_EXPORTER_OTLP_ENDPOINT}) or a {@link SpanExporter}
 * bean it is the API's no-op, {@link TracedPorts} leaves the ports unwrapped and {@link UntracedServer} takes
 * micronaut-tracing's server filter off the request path. An endpoint
 * alone means OTLP. Otherwise OpenTelemetry's autoconfiguration builds the SDK from the {@code otel.*} properties
 * (sampler, batch size, headers, protocol, resource...), and every exporter sees spans through {@link SpanRedaction}.
 *
 * <p>Replaces micronaut-tracing's factory only for that switch and the redaction: its server filter, context
 * propagation (W3C {@code traceparent}) and route-template span names stay as they are.
 */
@Factory
public class TracingFactory {

    static final String TRACES_EXPORTER = "traces.exporter";
    private static final List<String> ENDPOINTS = List.of("exporter.otlp.endpoint", "exporter.otlp.traces.endpoint");
    private static final String NONE = "none";

    private OpenTelemetrySdk built;

    @Singleton
    @Replaces(bean = OpenTelemetry.class, factory = DefaultOpenTelemetryFactory.class)
    OpenTelemetry openTelemetry(@Property(name = "otel") @MapFormat(transformation = MapFormat.MapTransformation.FLAT)
                                Map<String, String> otel, List<SpanExporter> exporterBeans,
                                ApplicationConfiguration application, TracingConfiguration tracing) {
        Optional<String> exporter = exporter(otel);
        if (exporter.isEmpty() && exporterBeans.isEmpty()) {
            return OpenTelemetry.noop();
        }
        Map<String, String> properties = new HashMap<>();
        otel.forEach((key, value) -> properties.put("otel." + key, value));
        properties.put("otel." + TRACES_EXPORTER, exporter.orElse(NONE));
        properties.putIfAbsent("otel.service.name", application.getName().orElse("tokenbroker"));
        // Traces only: metrics stay with Micrometer's /prometheus, logs with logback.
        properties.putIfAbsent("otel.metrics.exporter", NONE);
        properties.putIfAbsent("otel.logs.exporter", NONE);
        SpanRedaction redaction = new SpanRedaction(tracing.includeIds());
        built = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> properties)
                .addSpanExporterCustomizer((configured, config) -> redaction.exporter(configured))
                .addTracerProviderCustomizer((provider, config) -> {
                    // A bean exporter (tests, an in-process collector) gets each span as it ends.
                    exporterBeans.forEach(bean -> provider.addSpanProcessor(
                            SimpleSpanProcessor.create(redaction.exporter(bean))));
                    return provider;
                })
                .disableShutdownHook()
                .build().getOpenTelemetrySdk();
        return built;
    }

    /** The configured traces exporter, {@code otlp} when only an endpoint is given; empty when tracing is off. */
    static Optional<String> exporter(Map<String, String> otel) {
        String named = otel.get(TRACES_EXPORTER);
        if (isNotEmpty(named)) {
            return NONE.equals(named.trim()) ? Optional.empty() : Optional.of(named.trim());
        }
        return ENDPOINTS.stream().anyMatch(key -> isNotEmpty(otel.get(key))) ? Optional.of("otlp") : Optional.empty();
    }

    /** Exports what is still batched before the process ends. */
    @PreDestroy
    void close() {
        if (built != null) {
            built.close();
        }
    }
}
