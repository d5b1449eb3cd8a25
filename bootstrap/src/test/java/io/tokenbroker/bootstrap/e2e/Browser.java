package io.tokenbroker.bootstrap.e2e;

import io.tokenbroker.bootstrap.logging.LeakDetectingAppender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A browser as far as the connect flow needs one: it keeps cookies per host and follows redirects only when the test
 * says so, so each hop can be inspected. Every link, state and code it sees is watched for in the logs.
 */
public final class Browser {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public HttpResponse<String> get(URI uri) {
        Map<String, String> query = query(uri);
        List.of("state", "code", "code_challenge").forEach(name -> LeakDetectingAppender.watch(query.get(name)));
        if (uri.getPath().startsWith("/v1/connect/")) {
            LeakDetectingAppender.watch(uri.getPath().substring("/v1/connect/".length()));
        }
        try {
            return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    public static URI location(HttpResponse<String> redirect) {
        if (redirect.statusCode() != 302 && redirect.statusCode() != 303) {
            throw new AssertionError("expected a redirect, got " + redirect.statusCode() + ": " + redirect.body());
        }
        return redirect.uri().resolve(redirect.headers().firstValue("Location").orElseThrow());
    }

    public static Map<String, String> query(URI uri) {
        Map<String, String> query = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    query.put(pair.substring(0, equals),
                            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    /** The same URL with one query parameter replaced. */
    public static URI with(URI uri, String name, String value) {
        StringBuilder query = new StringBuilder();
        for (String pair : uri.getRawQuery().split("&")) {
            query.append(query.length() == 0 ? "" : "&")
                    .append(pair.startsWith(name + "=") ? name + "=" + value : pair);
        }
        String text = uri.toString();
        return URI.create(text.substring(0, text.indexOf('?') + 1) + query);
    }
}
