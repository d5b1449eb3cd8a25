package io.tokenbroker.bootstrap.tracing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.bootstrap.logging.LeakDetectingAppender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Requests to a running broker with the headers tracing reads, and what its spans may and may not carry. */
final class TracedRequests {

    static final String ADMIN_KEY = "tbk_testadmin0000001_TestAdminKeyTestAdminKeyTestAdminKeyTestAdm";
    static final String CLIENT_ID = "trace-client";
    /** Matches the leak detector's test-secret pattern. */
    static final String CLIENT_SECRET = "provider-secret-of-the-trace-test";
    static final String TOKEN_ROUTE = "/v1/tenants/{tenant}/connections/{connection}/token";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI base;

    TracedRequests(URI base) {
        this.base = base;
    }

    /** Registers an OAuth2 connection against {@code upstream}, with a refresh token when one is given. */
    void register(String tenant, String connection, SandboxUpstream upstream, Optional<String> refreshToken) {
        String json = "{\"provider\":\"oauth2\",\"token_url\":\"" + upstream.tokenUrl() + "\",\"client_id\":\""
                + CLIENT_ID + "\",\"client_secret\":\"" + CLIENT_SECRET + "\",\"scopes\":[\"read\"]"
                + refreshToken.map(token -> ",\"refresh_token\":\"" + token + "\"").orElse("") + "}";
        HttpResponse<String> saved = send(request("/v1/tenants/" + tenant + "/connections/" + connection)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
        assertTrue(saved.statusCode() == 201, saved.body());
    }

    /** GET with a W3C {@code traceparent} (sampled) and an {@code X-Request-Id}. */
    HttpResponse<String> get(String pathAndQuery, String traceId, String parentSpanId, String requestId) {
        return send(request(pathAndQuery).header("traceparent", "00-" + traceId + "-" + parentSpanId + "-01")
                .header("X-Request-Id", requestId).GET());
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(base.resolve(pathAndQuery)).header("X-API-Key", ADMIN_KEY);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    /** Every text a span shows a backend: its name, attribute keys and values, event names and attributes. */
    static List<String> texts(List<SpanData> spans) {
        List<String> texts = new ArrayList<>();
        for (SpanData span : spans) {
            texts.add(span.getName());
            texts.add(span.getStatus().getDescription());
            addAll(texts, span.getAttributes());
            addAll(texts, span.getResource().getAttributes());
            span.getEvents().forEach(event -> {
                texts.add(event.getName());
                addAll(texts, event.getAttributes());
            });
        }
        return texts;
    }

    private static void addAll(List<String> texts, Attributes attributes) {
        attributes.forEach((key, value) -> {
            texts.add(key.getKey());
            texts.add(String.valueOf(value));
        });
    }

    /** No span text is secret-shaped (the leak detector's patterns) or contains any of {@code forbidden}. */
    static void assertNoneCarries(List<SpanData> spans, String... forbidden) {
        for (String text : texts(spans)) {
            assertFalse(LeakDetectingAppender.isSecretShaped(text), "secret-shaped span text: " + text);
            for (String word : forbidden) {
                assertFalse(text.contains(word), "span text " + text + " contains " + word);
            }
        }
    }
}
