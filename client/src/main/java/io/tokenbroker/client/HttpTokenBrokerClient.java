package io.tokenbroker.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** The broker over HTTP: {@code GET …/token} and {@code POST …/token/invalidate}, one request per call. */
final class HttpTokenBrokerClient implements TokenBrokerClient {

    private final HttpClient http;
    private final URI base;
    private final String apiKey;
    private final Duration requestTimeout;
    private final Clock clock;

    HttpTokenBrokerClient(HttpClient http, URI baseUrl, String apiKey, Duration requestTimeout, Clock clock) {
        this.http = http;
        String url = baseUrl.toString();
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.apiKey = apiKey;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
    }

    @Override
    public Token token(String tenant, String connection, Duration minValidFor) {
        String query = minValidFor.isZero() || minValidFor.isNegative() ? ""
                : "?min_valid_for=" + seconds(minValidFor);
        HttpResponse<byte[]> response = send(request(tenant, connection, "/token" + query)
                .header("Accept", "application/json")
                .GET().build());
        if (response.statusCode() != 200) {
            throw BrokerAnswers.failure(response, clock);
        }
        return BrokerAnswers.token(response.body());
    }

    @Override
    public void invalidate(String tenant, String connection, String rejectedToken) {
        HttpResponse<byte[]> response = send(request(tenant, connection, "/token/invalidate")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(BrokerAnswers.invalidation(rejectedToken))).build());
        if (response.statusCode() / 100 != 2) {
            throw BrokerAnswers.failure(response, clock);
        }
    }

    private HttpRequest.Builder request(String tenant, String connection, String rest) {
        URI uri = base.resolve("v1/tenants/" + segment(tenant) + "/connections/" + segment(connection) + rest);
        return HttpRequest.newBuilder(uri).timeout(requestTimeout).header("X-API-Key", apiKey);
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException failed) {
            throw unreachable(failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw unreachable(interrupted);
        }
    }

    private static TokenBrokerException unreachable(Exception cause) {
        return new TokenBrokerException.Unavailable(Problem.broker("broker-unreachable", "The broker did not answer",
                0, cause.getClass().getSimpleName()), Optional.empty(), cause);
    }

    /** Rounded up, so the token lasts at least as long as asked. */
    private static long seconds(Duration duration) {
        return duration.getSeconds() + (duration.getNano() > 0 ? 1 : 0);
    }

    /** Valid ids need no escaping; anything else is escaped so the broker, not the URL parser, refuses it. */
    private static String segment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "TokenBrokerClient[" + base + "]";
    }
}
