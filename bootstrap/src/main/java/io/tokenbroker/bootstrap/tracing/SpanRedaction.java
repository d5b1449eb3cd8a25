package io.tokenbroker.bootstrap.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What leaves the process on a span, decided in one place for every span whoever made it (the HTTP server
 * instrumentation, {@link TracedPorts}, anything added later): never a query string or a full URL; the request path
 * and the tenant and connection ids only with {@code tokenbroker.tracing.include-ids=true}; of an exception event
 * only its type, since messages name connections and may quote an upstream's answer. Span names need no redaction:
 * the server's are the method and the route template, {@link TracedPorts}' are constants.
 */
final class SpanRedaction {

    static final AttributeKey<String> TENANT = AttributeKey.stringKey("tokenbroker.tenant");
    static final AttributeKey<String> CONNECTION = AttributeKey.stringKey("tokenbroker.connection");
    private static final Set<String> NEVER = Set.of("url.query", "url.full", "http.url", "http.target");
    private static final Set<String> IDS = Set.of(TENANT.getKey(), CONNECTION.getKey(), "url.path");
    private static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
    private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    private static final String CONNECT_LINK_PATH = "/v1/connect/";

    private final boolean includeIds;

    SpanRedaction(boolean includeIds) {
        this.includeIds = includeIds;
    }

    SpanExporter exporter(SpanExporter exporter) {
        return new RedactingExporter(exporter);
    }

    SpanData redacted(SpanData span) {
        return new DelegatingSpanData(span) {
            private final Attributes attributes = allowed(span.getAttributes());
            private final List<EventData> events = span.getEvents().stream().map(SpanRedaction::typeOnly).toList();

            @Override
            public Attributes getAttributes() {
                return attributes;
            }

            @Override
            public List<EventData> getEvents() {
                return events;
            }
        };
    }

    private Attributes allowed(Attributes attributes) {
        AttributesBuilder kept = attributes.toBuilder();
        kept.removeIf(key -> NEVER.contains(key.getKey()) || !includeIds && IDS.contains(key.getKey()));
        // A connect link's path is its token: never on a span, whatever include-ids says (the route names it).
        String path = attributes.get(URL_PATH);
        if (path != null && path.startsWith(CONNECT_LINK_PATH)) {
            kept.remove(URL_PATH);
        }
        return kept.build();
    }

    private static EventData typeOnly(EventData event) {
        String type = event.getAttributes().get(EXCEPTION_TYPE);
        Attributes attributes = type == null ? Attributes.empty() : Attributes.of(EXCEPTION_TYPE, type);
        return EventData.create(event.getEpochNanos(), event.getName(), attributes);
    }

    private final class RedactingExporter implements SpanExporter {

        private final SpanExporter exporter;

        RedactingExporter(SpanExporter exporter) {
            this.exporter = exporter;
        }

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return exporter.export(spans.stream().map(SpanRedaction.this::redacted).toList());
        }

        @Override
        public CompletableResultCode flush() {
            return exporter.flush();
        }

        @Override
        public CompletableResultCode shutdown() {
            return exporter.shutdown();
        }
    }
}
