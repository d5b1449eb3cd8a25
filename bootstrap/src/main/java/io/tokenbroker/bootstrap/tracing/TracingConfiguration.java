package io.tokenbroker.bootstrap.tracing;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code tokenbroker.tracing.*}. Whether traces are exported at all is OpenTelemetry's own configuration
 * ({@code otel.*}, {@code OTEL_*}); see {@link TracingFactory}.
 *
 * @param includeIds put tenant and connection ids (and the request path, which holds them) on spans; off by default
 *                   because a trace backend is often readable by more people than the broker's own logs
 */
@ConfigurationProperties("tokenbroker.tracing")
public record TracingConfiguration(@Bindable(defaultValue = "false") boolean includeIds) {
}
