package io.tokenbroker.bootstrap.tracing;

import io.micronaut.context.env.PropertyExpressionResolver;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.core.value.PropertyResolver;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves {@code ${tokenbroker-server-span-path}}, the path micronaut-tracing's server filter applies to
 * ({@code tracing.http.server.path} in application.yml): every path while tracing is on, none while it is off.
 *
 * <p>That filter runs on every request even with the no-op OpenTelemetry (it only needs a {@code Tracer} bean, which
 * always exists), and the A/B in docs/benchmarks.md measured it at a few tens of percent of a cached-token answer.
 * Its bean cannot be replaced conditionally (it is final, and a disabled replacement leaves the original in place), so
 * the switch is its path, decided from the same properties as {@link TracingFactory}. An {@code SpanExporter} bean
 * without properties (tests) asks for server spans with {@code tokenbroker.tracing.server-spans=true}.
 */
public final class ServerSpanPath implements PropertyExpressionResolver {

    static final String EXPRESSION = "tokenbroker-server-span-path";
    static final String FORCED = "tokenbroker.tracing.server-spans";
    static final String EVERY_PATH = "/**";
    static final String NO_PATH = "/.tokenbroker/untraced";
    private static final String[] KEYS = {TracingFactory.TRACES_EXPORTER, "exporter.otlp.endpoint",
            "exporter.otlp.traces.endpoint"};

    @Override
    public <T> Optional<T> resolve(PropertyResolver properties, ConversionService conversion, String expression,
                                   Class<T> type) {
        if (!EXPRESSION.equals(expression)) {
            return Optional.empty();
        }
        return conversion.convert(on(properties) ? EVERY_PATH : NO_PATH, type);
    }

    static boolean on(PropertyResolver properties) {
        if (properties.getProperty(FORCED, Boolean.class).orElse(false)) {
            return true;
        }
        Map<String, String> otel = new HashMap<>();
        for (String key : KEYS) {
            properties.getProperty("otel." + key, String.class).ifPresent(value -> otel.put(key, value));
        }
        return TracingFactory.exporter(otel).isPresent();
    }
}
