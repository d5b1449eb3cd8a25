package io.tokenbroker.bootstrap.tracing;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * The SDK's in-memory exporter as the exporter bean, only in test contexts that ask for it ({@link #ENABLED}): with
 * it tracing is on, as with an OTLP endpoint, and every span passes {@link SpanRedaction} as an exported one would.
 */
@Factory
@Requires(property = InMemoryTracing.ENABLED, value = "true")
public class InMemoryTracing {

    public static final String ENABLED = "test.tracing.in-memory";

    @Singleton
    InMemorySpanExporter inMemorySpanExporter() {
        return InMemorySpanExporter.create();
    }

    /**
     * The exported spans of {@code traceId} once one of them matches {@code complete}. The server span ends as the
     * answer is handed to Netty, so it may arrive a moment after the client has read the answer.
     */
    static List<SpanData> await(InMemorySpanExporter exporter, String traceId, Predicate<SpanData> complete) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<SpanData> trace = exporter.getFinishedSpanItems().stream()
                    .filter(span -> span.getTraceId().equals(traceId)).toList();
            if (trace.stream().anyMatch(complete)) {
                return trace;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no complete trace " + traceId + " within 10 s: " + trace);
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }
}
