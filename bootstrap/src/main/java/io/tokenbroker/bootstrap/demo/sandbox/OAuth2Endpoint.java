package io.tokenbroker.bootstrap.demo.sandbox;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxExchange.Request;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxExchange.Response;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The standard OAuth2 token endpoint: client credentials, (rotating) refresh token and authorization code (PKCE
 * {@code S256} checked, see {@link ConsentEndpoint}) grants, the client
 * authenticated by {@code client_secret_basic} or {@code client_secret_post}.
 */
final class OAuth2Endpoint {

    private final SandboxState state;
    private final String clientId;
    private final String clientSecret;
    private final Duration tokenLifetime;

    OAuth2Endpoint(SandboxState state, String clientId, String clientSecret, Duration tokenLifetime) {
        this.state = state;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.tokenLifetime = tokenLifetime;
    }

    Response token(Request request) {
        if (!request.isPost()) {
            return Response.error(405, "invalid_request");
        }
        Map<String, String> form;
        try {
            form = parseForm(request.body());
        } catch (IllegalArgumentException malformedEncoding) {
            return Response.error(400, "invalid_request");
        }
        if (!authenticated(request, form)) {
            return Response.error(401, "invalid_client").withHeader("WWW-Authenticate", "Basic realm=\"sandbox\"");
        }
        String grantType = form.getOrDefault("grant_type", "");
        String refreshToken = null;
        if ("refresh_token".equals(grantType)) {
            Optional<String> rotated = state.rotateRefreshToken(form.getOrDefault("refresh_token", ""));
            if (rotated.isEmpty()) {
                state.countRejectedRefresh();
                return Response.error(400, "invalid_grant");
            }
            refreshToken = rotated.get();
        } else if ("authorization_code".equals(grantType)) {
            if (!ConsentEndpoint.redeem(state, form)) {
                return Response.error(400, "invalid_grant");
            }
            refreshToken = state.issueRefreshToken();
        } else if (!"client_credentials".equals(grantType)) {
            return Response.error(400, "unsupported_grant_type");
        }
        String scope = form.containsKey("scope") ? form.get("scope").replaceAll("[^A-Za-z0-9 ._:/-]", "") : null;
        return Response.json(200, new SandboxJson.OAuth2Token(state.mintAccessToken("sbx_at_"), "Bearer",
                tokenLifetime.toSeconds(), refreshToken, scope));
    }

    private boolean authenticated(Request request, Map<String, String> form) {
        Optional<String> authorization = request.header("Authorization").filter(value -> value.startsWith("Basic "));
        if (authorization.isEmpty()) {
            return clientId.equals(form.get("client_id")) && clientSecret.equals(form.get("client_secret"));
        }
        try {
            String pair = new String(Base64.getDecoder().decode(authorization.get().substring(6)),
                    StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            // RFC 6749 2.3.1: both halves are form-encoded before they are joined.
            return colon > 0 && clientId.equals(decode(pair.substring(0, colon)))
                    && clientSecret.equals(decode(pair.substring(colon + 1)));
        } catch (IllegalArgumentException notBase64OrMalformedEncoding) {
            return false;
        }
    }

    /** The last value of each field, as a provider reading the form into a map would see it. */
    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new HashMap<>();
        new QueryStringDecoder(body, StandardCharsets.UTF_8, false).parameters()
                .forEach((name, values) -> form.put(name, last(values)));
        return form;
    }

    private static String last(List<String> values) {
        return values.get(values.size() - 1);
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
