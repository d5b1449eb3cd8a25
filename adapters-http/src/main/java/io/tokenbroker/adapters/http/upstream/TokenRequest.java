package io.tokenbroker.adapters.http.upstream;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One request to a token endpoint as an issuer builds it; {@link TokenEndpointClient} adds what every token request
 * carries (the JSON {@code Accept}, the timeouts) and sends it. Ours rather than an HTTP library's type, so the
 * issuers do not depend on which client sends it.
 *
 * <p>{@link #toString()} names the method and the URL only: headers and bodies carry client secrets and tokens.
 *
 * @param body the request body ({@code POST} only; empty for a body-less {@code POST}), absent for {@code GET}
 */
record TokenRequest(String method, URI uri, Map<String, String> headers, Optional<String> body) {

    TokenRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        Objects.requireNonNull(body, "body");
    }

    static TokenRequest get(URI uri) {
        return new TokenRequest("GET", uri, Map.of(), Optional.empty());
    }

    /** A {@code POST}; QPay's token and refresh requests have an empty body. */
    static TokenRequest post(URI uri, String body) {
        return new TokenRequest("POST", uri, Map.of(), Optional.of(body));
    }

    /** A copy with one more header (or the header replaced). */
    TokenRequest header(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new TokenRequest(method, uri, more, body);
    }

    @Override
    public String toString() {
        return method + " " + uri;
    }
}
