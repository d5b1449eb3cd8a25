package io.tokenbroker.adapters.http.inbound;

import io.tokenbroker.domain.connect.Handle;
import java.net.URI;
import java.util.Objects;

/**
 * Where browsers and providers reach this broker ({@code tokenbroker.public-url}): the base of connect links and of
 * the callback registered at providers, and whether the connect cookie may be {@code Secure} with the
 * {@code __Host-} prefix (only over https).
 */
public record PublicAddress(URI url) {

    public static final String CALLBACK_PATH = "/v1/oauth/callback";
    public static final String CONNECT_PATH = "/v1/connect/";

    public PublicAddress {
        Objects.requireNonNull(url, "url");
        if (!url.isAbsolute() || url.getHost() == null || url.getRawQuery() != null || url.getRawFragment() != null
                || !("https".equalsIgnoreCase(url.getScheme()) || "http".equalsIgnoreCase(url.getScheme()))) {
            throw new IllegalArgumentException("tokenbroker.public-url must be an absolute http(s) URL without query");
        }
    }

    public URI callback() {
        return URI.create(base() + CALLBACK_PATH);
    }

    public URI connectUrl(Handle link) {
        return URI.create(base() + CONNECT_PATH + link.reveal());
    }

    public boolean secure() {
        return "https".equalsIgnoreCase(url.getScheme());
    }

    /** The cookie binding a browser to its attempt; {@code __Host-} pins it to this host and path {@code /}. */
    public String cookieName() {
        return secure() ? "__Host-tokenbroker-connect" : "tokenbroker-connect";
    }

    private String base() {
        String text = url.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
