package io.tokenbroker.domain.connection;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the authenticated proxy sends a connection's API calls: an absolute http(s) URL without user info, query or
 * fragment. {@link #resolve} appends a caller's path and query to it and refuses anything that could leave it: the
 * host is the connection's, and the path stays under this base path however the caller encodes it.
 *
 * @param uri the base, without a trailing slash
 */
public record ApiBaseUrl(URI uri) {

    /** The connection setting (and request field) that holds it. */
    public static final String SETTING = "api_base_url";

    /** RFC 3986 pchar minus '@' (user info in some parsers), plus '/': what a path may hold before decoding. */
    private static final Pattern PATH_CHARACTERS = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:%/]*");
    private static final Pattern QUERY_CHARACTERS = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:@%/?]*");
    /** Escapes encoded twice: an upstream that decodes twice would otherwise see a dot segment or a slash. */
    private static final Pattern DOUBLE_ENCODED = Pattern.compile("%(2e|2f|5c|25)", Pattern.CASE_INSENSITIVE);

    public ApiBaseUrl {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException(SETTING + " must be an absolute http(s) URL");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(SETTING + " must not hold user info, a query or a fragment");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!uri.normalize().getRawPath().equals(path) || path.contains("//") || path.matches(".*/\\.{1,2}(/.*)?")) {
            throw new IllegalArgumentException(SETTING + " must not hold dot segments or empty segments");
        }
        if (path.endsWith("/")) {
            uri = URI.create(uri.toString().substring(0, uri.toString().length() - 1));
        }
    }

    /** @throws IllegalArgumentException naming the rule the value breaks, never quoting it */
    public static ApiBaseUrl parse(String value) {
        try {
            return new ApiBaseUrl(new URI(value));
        } catch (URISyntaxException malformed) {
            throw new IllegalArgumentException(SETTING + " must be an absolute http(s) URL");
        }
    }

    public boolean isHttps() {
        return "https".equalsIgnoreCase(uri.getScheme());
    }

    /**
     * The upstream URL for a caller's path (as sent, still percent-encoded; empty or starting with '/') and query
     * (as sent, or null).
     *
     * @throws IllegalArgumentException when the path could leave the base: dot segments (plain or encoded), encoded
     *                                  slashes or backslashes, '@', empty segments, malformed escapes, characters a
     *                                  path may not hold
     */
    public URI resolve(String rawPath, String rawQuery) {
        String path = rawPath == null ? "" : rawPath;
        if (!path.isEmpty() && !path.startsWith("/") || !PATH_CHARACTERS.matcher(path).matches()) {
            throw new IllegalArgumentException("the path holds characters a proxied path may not hold");
        }
        String[] segments = path.isEmpty() ? new String[0] : path.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            checkSegment(segments[i], i == segments.length - 1);
        }
        if (rawQuery != null && !QUERY_CHARACTERS.matcher(rawQuery).matches()) {
            throw new IllegalArgumentException("the query holds characters a query may not hold");
        }
        URI target = URI.create(uri + path + (rawQuery == null ? "" : "?" + rawQuery));
        if (!target.getRawAuthority().equals(uri.getRawAuthority())) {
            throw new IllegalArgumentException("the path would leave the connection's api_base_url");
        }
        return target;
    }

    private static void checkSegment(String segment, boolean last) {
        if (segment.isEmpty() && !last) {
            throw new IllegalArgumentException("the path must not hold empty segments");
        }
        String decoded = decode(segment);
        if (decoded.equals(".") || decoded.equals("..")) {
            throw new IllegalArgumentException("the path must not hold dot segments, plain or percent-encoded");
        }
        if (decoded.contains("/") || decoded.contains("\\") || decoded.contains("@")
                || DOUBLE_ENCODED.matcher(decoded).find()) {
            throw new IllegalArgumentException("the path must not hold encoded slashes, backslashes or '@'");
        }
        if (decoded.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("the path must not hold control characters");
        }
    }

    /** Percent-decoding of one segment (bytes as Latin-1 is enough to find the characters that matter). */
    private static String decode(String segment) {
        StringBuilder decoded = new StringBuilder(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c != '%') {
                decoded.append(c);
                continue;
            }
            if (i + 2 >= segment.length() || Character.digit(segment.charAt(i + 1), 16) < 0
                    || Character.digit(segment.charAt(i + 2), 16) < 0) {
                throw new IllegalArgumentException("the path holds a malformed percent-escape");
            }
            decoded.append((char) Integer.parseInt(segment.substring(i + 1, i + 3), 16));
            i += 2;
        }
        return decoded.toString();
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
