package io.tokenbroker.adapters.http.upstream;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.egress.EgressPolicy;
import io.tokenbroker.domain.egress.SavedBy;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.ExpiryRules;
import io.tokenbroker.domain.token.InvalidExpiryException;
import io.tokenbroker.domain.token.ProviderExpiry;
import io.tokenbroker.domain.token.TokenGrant;
import io.tokenbroker.domain.token.TokenLifetime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;

/**
 * What every provider's token request has in common: one bounded HTTP exchange, failures typed as
 * {@link UpstreamException.Rejected} (a retry will not help) or {@link UpstreamException.Unavailable} (it may),
 * and a token response read into a {@link TokenGrant} with the domain's expiry normalisation.
 *
 * <p>Nothing the upstream sends is echoed into exceptions except a sanitised OAuth {@code error} code: bodies may
 * contain tokens, and {@code error_description} is free text.
 *
 * <p>Every request first passes the {@link EgressGuard} for the kind of key that saved the connection. A refused
 * target is never connected to, and its failure is the same whatever the target is and whether it would answer: a
 * non-retryable {@code upstream_not_allowed}, so neither the answer, its timing nor the circuit tells a tenant
 * anything about the network behind the broker. An allowed request goes to an address the guard checked, never to a
 * second resolution of the name.
 *
 * <p>The exchange itself runs on the calling thread ({@link ApacheTokenExchange}, which also states what bounds it in
 * time); closing this client closes its connections.
 */
public final class TokenEndpointClient implements AutoCloseable {

    /** Token responses are small; a larger body is a misbehaving upstream, not a token. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** Refresh tokens live far longer than access tokens: eBay's 18 months, Intuit's 100 days. */
    private static final ExpiryRules REFRESH_TOKEN_RULES = new ExpiryRules(Duration.ofDays(1), Duration.ofDays(5 * 366));
    private static final Pattern OAUTH_ERROR_CODE = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final Argument<Map<String, Object>> JSON_OBJECT = Argument.mapOf(String.class, Object.class);

    private final CloseableHttpClient http;
    private final ApacheTokenExchange transport;
    private final JsonMapper json;
    private final Clock clock;
    private final ExpiryRules expiryRules;
    private final RetryAfter retryAfter;
    private final EgressGuard egress;

    /**
     * @param http           a client from {@link #httpClient}; this client owns it from here on and closes it
     * @param requestTimeout the bound on each read of an answer and on its body as a whole
     */
    public TokenEndpointClient(CloseableHttpClient http, JsonMapper json, Clock clock, ExpiryRules expiryRules,
                               Duration requestTimeout, EgressGuard egress) {
        this.http = http;
        this.transport = new ApacheTokenExchange(http, requestTimeout);
        this.json = json;
        this.clock = clock;
        this.expiryRules = expiryRules;
        this.retryAfter = new RetryAfter(clock);
        this.egress = egress;
    }

    /**
     * With the default policy (nothing listed) and the JVM's resolver: operator-saved connections reach any
     * loopback, private or public host, as the broker did before it had an egress policy.
     */
    public TokenEndpointClient(CloseableHttpClient http, JsonMapper json, Clock clock, ExpiryRules expiryRules,
                               Duration requestTimeout) {
        this(http, json, clock, expiryRules, requestTimeout, EgressGuard.system(EgressPolicy.defaults()));
    }

    /**
     * The HTTP client for token endpoints: Apache HttpClient 5 classic (HTTP/1.1), pooled, with no automatic retry
     * and no redirects ({@link ApacheTokenExchange#client} says why each).
     */
    public static CloseableHttpClient httpClient(Duration connectTimeout) {
        return ApacheTokenExchange.client(connectTimeout);
    }

    /**
     * Checks the target against the egress policy, sends the request and reads a successful answer as a JSON object.
     *
     * @param savedBy who last saved the connection the request is for
     * @throws UpstreamException for every answer but a 2xx with a JSON object, and for a refused target
     */
    Map<String, Object> exchange(TokenRequest request, SavedBy savedBy) {
        ApacheTokenExchange.Answer answer = transport.send(request, allowedAddress(request.uri(), savedBy));
        int status = answer.status();
        byte[] body = answer.body();
        if (status >= 200 && status < 300) {
            return parse(body).orElseThrow(() -> new UpstreamException.Rejected(
                    "token endpoint answered " + status + " without a JSON object", OptionalInt.of(status),
                    Optional.of("invalid_token_response")));
        }
        Optional<String> oauthError = parse(body).map(map -> map.get("error")).filter(String.class::isInstance)
                .map(String.class::cast).filter(code -> OAUTH_ERROR_CODE.matcher(code).matches());
        Optional<Duration> wait = answer.retryAfter().flatMap(retryAfter::parse);
        if (status == 429 || status >= 500 || oauthError.filter("temporarily_unavailable"::equals).isPresent()) {
            throw new UpstreamException.Unavailable("token endpoint answered " + status, OptionalInt.of(status),
                    oauthError.or(() -> Optional.of("http_" + status)), wait, null);
        }
        String code = oauthError.orElse("http_" + status);
        throw new UpstreamException.Rejected("token endpoint refused the request: " + code, OptionalInt.of(status),
                Optional.of(code));
    }

    /**
     * Reads a token response: the token under {@code tokenField} (falling back to {@code access_token}), its
     * expiry in whatever shape, and a rotated refresh token with its expiry if one came along.
     */
    TokenGrant grant(Map<String, Object> body, String tokenField) {
        Object value = body.containsKey(tokenField) ? body.get(tokenField) : body.get("access_token");
        if (!(value instanceof String accessToken) || accessToken.isBlank()) {
            throw new UpstreamException.Rejected("token endpoint answered without an access token",
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

    /**
     * The address the request goes to: one the egress guard resolved and checked. The first, as a socket given the
     * name would have taken (and the JDK client did); every one of them passed the check.
     */
    private InetAddress allowedAddress(URI uri, SavedBy savedBy) {
        EgressGuard.CheckedTarget checked;
        try {
            checked = egress.checkAndResolve(uri, savedBy);
        } catch (UnknownHostException unresolved) {
            // What the HTTP client itself would report for a name that does not resolve.
            throw unavailable("token endpoint unreachable (UnknownHostException)", "unreachable");
        }
        if (checked.refusal().isPresent()) {
            throw new UpstreamException.Rejected("the egress policy refuses the token endpoint's address",
                    OptionalInt.empty(), Optional.of("upstream_not_allowed"));
        }
        return checked.addresses().stream().findFirst()
                .orElseThrow(() -> unavailable("token endpoint unreachable (no address)", "unreachable"));
    }

    private Optional<Map<String, Object>> parse(byte[] body) {
        try {
            return Optional.ofNullable(json.readValue(body, JSON_OBJECT));
        } catch (IOException | RuntimeException notJson) {
            return Optional.empty();
        }
    }

    static UpstreamException.Unavailable unavailable(String message, String code) {
        return new UpstreamException.Unavailable(message, OptionalInt.empty(), Optional.of(code), Optional.empty(),
                null);
    }

    /** Closes the pooled connections, at shutdown. */
    @Override
    public void close() throws IOException {
        http.close();
    }

    /** {@code Basic} credentials, each part form-encoded first as RFC 6749 2.3.1 asks. */
    static String basic(String clientId, Secret clientSecret) {
        String pair = encode(clientId) + ":" + encode(clientSecret.reveal());
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    static String formBody(Map<String, String> form) {
        StringJoiner joined = new StringJoiner("&");
        form.forEach((name, value) -> joined.add(encode(name) + "=" + encode(value)));
        return joined.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
