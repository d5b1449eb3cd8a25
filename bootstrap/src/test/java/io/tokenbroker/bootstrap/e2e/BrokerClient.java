package io.tokenbroker.bootstrap.e2e;

import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A plain JDK HTTP client against the running broker: what a caller in any language sees. */
final class BrokerClient {

    /** The admin key application-test.yml bootstraps. */
    static final String ADMIN_KEY = "tbk_testadmin0000001_TestAdminKeyTestAdminKeyTestAdminKeyTestAdm";

    private static final JsonMapper JSON = JsonMapper.createDefault();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI base;
    private final String apiKey;

    BrokerClient(URI base) {
        this(base, ADMIN_KEY);
    }

    /** @param apiKey sent as {@code X-API-Key}; null sends none */
    BrokerClient(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    /** A JSON object answer as a map; an answer that is not JSON fails the test with its text. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> body(HttpResponse<String> response) {
        try {
            return JSON.readValue(response.body(), Map.class);
        } catch (IOException notJson) {
            throw new AssertionError("not JSON: " + response.body(), notJson);
        }
    }

    BrokerClient as(String otherKey) {
        return new BrokerClient(base, otherKey);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
        if (apiKey != null) {
            request.header("X-API-Key", apiKey);
        }
        return request;
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    HttpResponse<String> get(String path, String accept) {
        return send(request(path).header("Accept", accept).GET().build());
    }

    CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return http.sendAsync(request(path).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> put(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    HttpResponse<String> post(String path, String json) {
        HttpRequest.Builder request = request(path);
        if (json == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        return send(request.build());
    }

    HttpResponse<String> delete(String path) {
        return send(request(path).DELETE().build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }
}
