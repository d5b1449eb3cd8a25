package io.tokenbroker.bootstrap.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * With {@code tokenbroker.tracing.include-ids=true} spans name the tenant, connection and path; never the query.
 * Health probes make no spans either way.
 */
@MicronautTest
@Property(name = InMemoryTracing.ENABLED, value = "true")
@Property(name = ServerSpanPath.FORCED, value = "true")
@Property(name = "tokenbroker.tracing.include-ids", value = "true")
class TracingWithIdsEndToEndTest {

    private static final String TRACE_ID = "5bf92f3577b34da6a3ce929d0e0e4737";
    private static final String HEALTH_TRACE_ID = "7bf92f3577b34da6a3ce929d0e0e4739";
    private static final String LINK_TRACE_ID = "8bf92f3577b34da6a3ce929d0e0e4740";

    @Inject
    EmbeddedServer server;
    @Inject
    InMemorySpanExporter exporter;

    @Test
    void spansCarryTheIdsWhenAskedToButStillNoQueryOrSecret() throws IOException {
        TracedRequests requests = new TracedRequests(server.getURI());
        try (SandboxUpstream upstream = SandboxUpstream.start(0, TracedRequests.CLIENT_ID,
                TracedRequests.CLIENT_SECRET, Duration.ofSeconds(600))) {
            requests.register("idtenant", "idconnection", upstream, Optional.empty());
            assertEquals(200, requests.get("/health", HEALTH_TRACE_ID, "00f067aa0ba902b8", "probe").statusCode());
            HttpResponse<String> answer = requests.get("/v1/tenants/idtenant/connections/idconnection/token"
                    + "?probe=query-never-traced", TRACE_ID, "00f067aa0ba902b8", "trace-ids-request");
            assertEquals(200, answer.statusCode(), answer.body());
        }

        List<SpanData> trace = InMemoryTracing.await(exporter, TRACE_ID, span -> span.getKind() == SpanKind.SERVER);
        SpanData request = trace.stream().filter(span -> span.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertEquals("/v1/tenants/idtenant/connections/idconnection/token",
                request.getAttributes().get(AttributeKey.stringKey("url.path")));
        SpanData lease = trace.stream().filter(span -> span.getName().equals("lease wait")).findFirst().orElseThrow();
        assertEquals("idtenant", lease.getAttributes().get(SpanRedaction.TENANT));
        assertEquals("idconnection", lease.getAttributes().get(SpanRedaction.CONNECTION));
        assertTrue(exporter.getFinishedSpanItems().stream().noneMatch(span -> span.getTraceId().equals(HEALTH_TRACE_ID)),
                "probes make no spans (otel.exclusions); the probe's would have ended before the token request began");
        TracedRequests.assertNoneCarries(trace, TracedRequests.CLIENT_SECRET, "query-never-traced", "probe");
    }

    @Test
    void aConnectLinksPathNeverReachesASpan() {
        String link = "Q".repeat(43);
        TracedRequests requests = new TracedRequests(server.getURI());
        assertEquals(404, requests.get("/v1/connect/" + link, LINK_TRACE_ID, "00f067aa0ba902b8", "link")
                .statusCode());

        List<SpanData> trace = InMemoryTracing.await(exporter, LINK_TRACE_ID,
                span -> span.getKind() == SpanKind.SERVER);
        SpanData request = trace.stream().filter(span -> span.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertEquals(null, request.getAttributes().get(AttributeKey.stringKey("url.path")));
        TracedRequests.assertNoneCarries(trace, link);
    }
}
