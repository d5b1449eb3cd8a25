package io.tokenbroker.domain.connect;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The return URLs an operator allows: origins plus path prefixes. A candidate is admitted after normalisation
 * ({@code ..} and {@code .} segments resolved) when its scheme, host and port equal an entry's and its path is the
 * entry's path or lies below it at a segment boundary: {@code /app} admits {@code /app} and {@code /app/done}, but
 * neither {@code /app.evil} nor {@code /app/../admin}. Encoded dots, slashes and backslashes, user info and fragments
 * are refused outright: they exist to make two parsers disagree.
 */
public final class ReturnUrls {

    private static final Pattern TRICKS = Pattern.compile("(?i)%2e|%2f|%5c|\\\\");

    private final List<URI> allowed;

    private ReturnUrls(List<URI> allowed) {
        this.allowed = allowed;
    }

    /**
     * @throws IllegalArgumentException naming the entry that is not an absolute http(s) URL without query or fragment
     */
    public static ReturnUrls of(List<String> entries) {
        return new ReturnUrls(entries.stream().map(entry -> normalised(entry)
                .filter(uri -> uri.getRawQuery() == null)
                .orElseThrow(() -> new IllegalArgumentException("allowed return URL " + entry
                        + " must be an absolute http(s) URL without user info, query or fragment"))).toList());
    }

    public static ReturnUrls none() {
        return new ReturnUrls(List.of());
    }

    /** The normalised candidate when an entry admits it; empty otherwise. */
    public Optional<URI> admit(String candidate) {
        return normalised(candidate).filter(uri -> allowed.stream().anyMatch(entry -> admits(entry, uri)));
    }

    public boolean isEmpty() {
        return allowed.isEmpty();
    }

    private static boolean admits(URI entry, URI candidate) {
        if (!entry.getScheme().equals(candidate.getScheme()) || !entry.getHost().equals(candidate.getHost())
                || port(entry) != port(candidate)) {
            return false;
        }
        String prefix = entry.getRawPath();
        String path = candidate.getRawPath();
        if (prefix.endsWith("/")) {
            return path.startsWith(prefix);
        }
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    private static Optional<URI> normalised(String value) {
        if (value == null || value.length() > 2048 || TRICKS.matcher(value).find()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(value).normalize();
        } catch (URISyntaxException malformed) {
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null
                || !(scheme.equals("https") || scheme.equals("http"))) {
            return Optional.empty();
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (!path.startsWith("/") || path.startsWith("//") || path.equals("/..") || path.startsWith("/../")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new URI(scheme, null, uri.getHost().toLowerCase(Locale.ROOT), uri.getPort(), null,
                    null, null).resolve(path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
        } catch (URISyntaxException | IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equals("https") ? 443 : 80;
    }
}
