package io.tokenbroker.domain.connect;

import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ProviderType;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The provider's authorize URL for one attempt (RFC 6749 section 4.1.1 with RFC 7636 PKCE, {@code S256} only): the
 * connection's extra authorize parameters first, then the fields the flow sets itself, which they cannot override.
 */
public final class AuthorizeRedirect {

    private AuthorizeRedirect() {
    }

    /**
     * @param callback the broker's callback URL; eBay is sent its RuName instead, which stands for it there
     * @throws IllegalArgumentException when the connection takes no consent
     */
    public static URI to(Connection connection, URI callback, List<String> scopes, Handle state, Handle verifier) {
        URI endpoint = connection.authorizationUrl().orElseThrow(() -> new IllegalArgumentException(
                "connection " + connection.key() + " takes no consent"));
        Map<String, String> query = new LinkedHashMap<>(connection.authorizeParameters());
        query.put("response_type", "code");
        query.put("client_id", connection.clientId().orElseThrow());
        query.put("redirect_uri", redirectUri(connection, callback));
        if (!scopes.isEmpty()) {
            query.put("scope", String.join(" ", scopes));
        }
        query.put("state", state.reveal());
        query.put("code_challenge", verifier.challenge());
        query.put("code_challenge_method", "S256");
        StringJoiner joined = new StringJoiner("&");
        query.forEach((name, value) -> joined.add(encode(name) + "=" + encode(value)));
        String base = endpoint.toString();
        return URI.create(base + (endpoint.getRawQuery() == null ? "?" : "&") + joined);
    }

    /** What the authorize request and the code exchange both send as {@code redirect_uri}. */
    public static String redirectUri(Connection connection, URI callback) {
        return connection.provider() == ProviderType.EBAY
                ? connection.setting("ru_name").orElseThrow() : callback.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
