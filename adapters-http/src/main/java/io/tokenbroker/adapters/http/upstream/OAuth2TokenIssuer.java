package io.tokenbroker.adapters.http.upstream;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.domain.connection.ClientAuthMethod;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.ExpiryRules;
import io.tokenbroker.domain.token.InvalidExpiryException;
import io.tokenbroker.domain.token.ProviderExpiry;
import io.tokenbroker.domain.token.TokenGrant;
import io.tokenbroker.domain.token.TokenLifetime;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * RFC 6749 token endpoint client: the {@code client_credentials} grant, or the {@code refresh_token} grant when the
 * connection holds a refresh token; {@code client_secret_basic} or {@code client_secret_post}. One request per
 * call, bounded by the request timeout; retries belong to the caller.
 *
 * <p>Nothing the upstream sends is echoed into exceptions except a sanitised OAuth {@code error} code: bodies may
 * contain tokens, and {@code error_description} is free text.
 */
public final class OAuth2TokenIssuer implements TokenIssuer {

    /** Token responses are small; a larger body is a misbehaving upstream, not a token. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** Refresh tokens live far longer than access tokens: eBay's 18 months, Intuit's 100 days. */
    private static final ExpiryRules REFRESH_TOKEN_RULES = new ExpiryRules(Duration.ofDays(1), Duration.ofDays(5 * 366));
    private static final Pattern OAUTH_ERROR_CODE = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final Argument<Map<String, Object>> JSON_OBJECT = Argument.mapOf(String.class, Object.class);

    private final HttpClient http;
    private final JsonMapper json;
    private final Clock clock;
    private final ExpiryRules expiryRules;
    private final Duration requestTimeout;
    private final RetryAfter retryAfter;

    public OAuth2TokenIssuer(HttpClient http, JsonMapper json, Clock clock, ExpiryRules expiryRules,
                             Duration requestTimeout) {
        this.http = http;
        this.json = json;
        this.clock = clock;
        this.expiryRules = expiryRules;
        this.requestTimeout = requestTimeout;
        this.retryAfter = new RetryAfter(clock);
    }

    @Override
    public TokenGrant issue(Connection connection) {
        HttpResponse<InputStream> response = send(request(connection));
        int status = response.statusCode();
        byte[] body = readBounded(response, status);
        if (status >= 200 && status < 300) {
            return grant(parse(body, status));
        }
        Optional<String> oauthError = oauthError(body);
        Optional<Duration> wait = response.headers().firstValue("Retry-After").flatMap(retryAfter::parse);
        if (status == 429 || status >= 500 || oauthError.filter("temporarily_unavailable"::equals).isPresent()) {
            return throwUnavailable("token endpoint answered " + status, status,
                    oauthError.or(() -> Optional.of("http_" + status)), wait);
        }
        String code = oauthError.orElse("http_" + status);
        throw new UpstreamException.Rejected("token endpoint refused the request: " + code, OptionalInt.of(status),
                Optional.of(code));
    }

    private HttpRequest request(Connection connection) {
        Map<String, String> form = new LinkedHashMap<>();
        Optional<Secret> refreshToken = connection.refreshToken();
        if (refreshToken.isPresent()) {
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", refreshToken.get().reveal());
        } else {
            form.put("grant_type", "client_credentials");
        }
        if (!connection.scopes().isEmpty()) {
            form.put("scope", String.join(" ", connection.scopes()));
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(connection.tokenUrl())
                .timeout(requestTimeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (connection.authMethod() == ClientAuthMethod.CLIENT_SECRET_BASIC) {
            // RFC 6749 2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
            String pair = encode(connection.clientId()) + ":" + encode(connection.clientSecret().reveal());
            builder.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            form.put("client_id", connection.clientId());
            form.put("client_secret", connection.clientSecret().reveal());
        }
        return builder.POST(HttpRequest.BodyPublishers.ofString(formBody(form))).build();
    }

    private HttpResponse<InputStream> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException timeout) {
            return throwUnavailable("token endpoint timed out after " + requestTimeout.toMillis() + " ms", 0,
                    Optional.of("timeout"), Optional.empty());
        } catch (IOException unreachable) {
            return throwUnavailable("token endpoint unreachable (" + unreachable.getClass().getSimpleName() + ")", 0,
                    Optional.of("unreachable"), Optional.empty());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return throwUnavailable("interrupted while calling the token endpoint", 0, Optional.of("interrupted"),
                    Optional.empty());
        }
    }

    private byte[] readBounded(HttpResponse<InputStream> response, int status) {
        try (InputStream in = response.body()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new UpstreamException.Rejected("token endpoint sent more than " + MAX_BODY_BYTES + " bytes",
                        OptionalInt.of(status), Optional.of("response_too_large"));
            }
            return body;
        } catch (IOException broken) {
            return throwUnavailable("token endpoint response broke off", status, Optional.of("unreachable"),
                    Optional.empty());
        }
    }

    private Map<String, Object> parse(byte[] body, int status) {
        try {
            Map<String, Object> parsed = json.readValue(body, JSON_OBJECT);
            if (parsed != null) {
                return parsed;
            }
        } catch (IOException | RuntimeException notJson) {
            // falls through: the body is not a JSON object
        }
        throw new UpstreamException.Rejected("token endpoint answered " + status + " without a JSON object",
                OptionalInt.of(status), Optional.of("invalid_token_response"));
    }

    private TokenGrant grant(Map<String, Object> body) {
        Object value = body.get("access_token");
        if (!(value instanceof String accessToken) || accessToken.isBlank()) {
            throw new UpstreamException.Rejected("token endpoint answered without an access_token",
                    OptionalInt.of(200), Optional.of("invalid_token_response"));
        }
        TokenLifetime lifetime;
        try {
            lifetime = TokenLifetime.normalise(
                    ProviderExpiry.of(body.get("expires_in"), body.get("expires_at"), accessToken), clock, expiryRules);
        } catch (InvalidExpiryException badExpiry) {
            throw new UpstreamException.Rejected(badExpiry.getMessage(), OptionalInt.of(200),
                    Optional.of("invalid_expiry"));
        }
        Object tokenType = body.get("token_type");
        AccessToken token = AccessToken.of(accessToken, tokenType instanceof String type ? type : null, lifetime);
        Optional<Secret> refreshToken = Optional.ofNullable(body.get("refresh_token"))
                .filter(String.class::isInstance).map(String.class::cast).filter(rt -> !rt.isBlank()).map(Secret::of);
        return new TokenGrant(token, refreshToken, refreshToken.flatMap(rt -> refreshTokenExpiry(body)));
    }

    private Optional<Instant> refreshTokenExpiry(Map<String, Object> body) {
        Object raw = body.containsKey("refresh_token_expires_in") ? body.get("refresh_token_expires_in")
                : body.containsKey("x_refresh_token_expires_in") ? body.get("x_refresh_token_expires_in")
                : body.get("refresh_expires_in");
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(TokenLifetime.normalise(ProviderExpiry.of(raw, null, null), clock, REFRESH_TOKEN_RULES)
                    .expiresAt());
        } catch (InvalidExpiryException unusable) {
            // An unreadable refresh-token expiry costs only the early warning; the grant itself is good.
            return Optional.empty();
        }
    }

    private Optional<String> oauthError(byte[] body) {
        try {
            Map<String, Object> parsed = json.readValue(body, JSON_OBJECT);
            return Optional.ofNullable(parsed).map(map -> map.get("error")).filter(String.class::isInstance)
                    .map(String.class::cast).filter(code -> OAUTH_ERROR_CODE.matcher(code).matches());
        } catch (IOException | RuntimeException notJson) {
            return Optional.empty();
        }
    }

    private static <T> T throwUnavailable(String message, int status, Optional<String> code, Optional<Duration> wait) {
        throw new UpstreamException.Unavailable(message, status == 0 ? OptionalInt.empty() : OptionalInt.of(status),
                code, wait, null);
    }

    private static String formBody(Map<String, String> form) {
        StringJoiner joined = new StringJoiner("&");
        form.forEach((name, value) -> joined.add(encode(name) + "=" + encode(value)));
        return joined.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
