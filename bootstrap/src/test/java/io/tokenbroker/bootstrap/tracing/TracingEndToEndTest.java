package io.tokenbroker.bootstrap.tracing;

import static io.tokenbroker.bootstrap.tracing.TracedRequests.TOKEN_ROUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.AppenderAttachable;
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
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Tracing on (an exporter bean, as with an OTLP endpoint), ids left out by default: one cold token request, sent with
 * a W3C traceparent, is one server span under the caller's parent with the token flow's spans as its children; no
 * span carries a secret, the query string or an id; every log line of the request carries its trace id.
 */
@MicronautTest
@Property(name = InMemoryTracing.ENABLED, value = "true")
@Property(name = ServerSpanPath.FORCED, value = "true")
@Property(name = "tokenbroker.upstream.resilience.min-interval", value = "0s")
class TracingEndToEndTest {

    private static final String TENANT = "tracedtenant";
    private static final String CONNECTION = "tracedconnection";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String OTHER_TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";
    private static final String REQUEST_ID = "trace-e2e-request";

    @Inject
    EmbeddedServer server;
    @Inject
    InMemorySpanExporter exporter;

    private SandboxUpstream upstream;
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void start() throws IOException {
        upstream = SandboxUpstream.start(0, TracedRequests.CLIENT_ID, TracedRequests.CLIENT_SECRET,
                Duration.ofSeconds(600));
        lines.start();
        traceIdAppender().addAppender(lines);
    }

    @AfterEach
    void stop() {
        traceIdAppender().detachAppender(lines);
        upstream.close();
    }

    @SuppressWarnings("unchecked")
    private static AppenderAttachable<ILoggingEvent> traceIdAppender() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        return (AppenderAttachable<ILoggingEvent>) root.getAppender("TRACE_IDS");
    }

    @Test
    void aColdTokenRequestIsAServerSpanOverTheLeaseWaitTheUpstreamCallTheVaultAndTheStore() {
        TracedRequests requests = new TracedRequests(server.getURI());
        String refreshToken = upstream.issueRefreshToken();
        requests.register(TENANT, CONNECTION, upstream, Optional.of(refreshToken));
        exporter.reset();

        HttpResponse<String> answer = requests.get("/v1/tenants/" + TENANT + "/connections/" + CONNECTION
                + "/token?probe=query-never-traced", TRACE_ID, CALLER_SPAN, REQUEST_ID);
        assertEquals(200, answer.statusCode(), answer.body());

        List<SpanData> trace = InMemoryTracing.await(exporter, TRACE_ID, span -> span.getKind() == SpanKind.SERVER);
        SpanData request = trace.stream().filter(span -> span.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertEquals("GET " + TOKEN_ROUTE, request.getName());
        assertEquals(CALLER_SPAN, request.getParentSpanId(), "the caller's traceparent is the parent");
        assertEquals(TOKEN_ROUTE, request.getAttributes().get(AttributeKey.stringKey("http.route")));
        assertEquals(200L, request.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
        assertNull(request.getAttributes().get(AttributeKey.stringKey("url.path")), "the path holds the ids");
        assertNull(request.getAttributes().get(AttributeKey.stringKey("url.query")));

        List<SpanData> children = trace.stream().filter(span -> span != request)
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
        children.forEach(child -> assertEquals(request.getSpanId(), child.getParentSpanId(), child.getName()));
        assertEquals(List.of("token store read", "vault read", "lease wait", "token store read", "vault read",
                "upstream token call", "vault write", "token store put"),
                children.stream().map(SpanData::getName).toList());

        assertEquals(false, attribute(children.get(0), TracedTokenStore.HIT));
        assertEquals(true, attribute(children.get(2), TracedLockManager.ACQUIRED));
        assertTrue(attribute(children.get(2), TracedLockManager.FENCE) > 0);
        SpanData upstreamCall = children.get(5);
        assertEquals(SpanKind.CLIENT, upstreamCall.getKind());
        assertEquals("oauth2", attribute(upstreamCall, TracedTokenIssuer.PROVIDER));
        assertEquals("success", attribute(upstreamCall, TracedTokenIssuer.OUTCOME));
        assertEquals(200L, attribute(upstreamCall, TracedTokenIssuer.STATUS));
        assertEquals(true, attribute(children.get(6), TracedConnections.WRITTEN), "the rotated refresh token");
        assertEquals(true, attribute(children.get(7), TracedTokenStore.ACCEPTED));
        children.stream().filter(child -> child != upstreamCall).forEach(child ->
                assertEquals("memory", attribute(child, TracedPorts.ADAPTER), child.getName()));
        assertEquals("http", attribute(upstreamCall, TracedPorts.ADAPTER));

        String accessToken = answer.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
        TracedRequests.assertNoneCarries(trace, TracedRequests.CLIENT_SECRET, refreshToken, accessToken,
                "query-never-traced", "probe", TENANT, CONNECTION);
    }

    @Test
    void everyLogLineOfATracedRequestCarriesItsTraceIdBesideTheRequestId() {
        TracedRequests requests = new TracedRequests(server.getURI());
        // An unreachable upstream: the refresh fails and the broker logs about it within the request.
        upstream.close();
        requests.register(TENANT, "unreachable", upstream, Optional.empty());

        HttpResponse<String> answer = requests.get("/v1/tenants/" + TENANT + "/connections/unreachable/token",
                OTHER_TRACE_ID, CALLER_SPAN, REQUEST_ID);
        assertEquals(503, answer.statusCode(), answer.body());

        List<ILoggingEvent> ofRequest = lines.list.stream()
                .filter(line -> REQUEST_ID.equals(line.getMDCPropertyMap().get("requestId"))).toList();
        assertFalse(ofRequest.isEmpty(), "the failed refresh is logged");
        ofRequest.forEach(line -> assertEquals(OTHER_TRACE_ID, line.getMDCPropertyMap().get("traceId"),
                line.getFormattedMessage()));
    }

    private static <T> T attribute(SpanData span, AttributeKey<T> key) {
        T value = span.getAttributes().get(key);
        assertTrue(value != null, span.getName() + " has no " + key);
        return value;
    }
}
