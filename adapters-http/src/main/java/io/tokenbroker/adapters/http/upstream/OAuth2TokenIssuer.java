package io.tokenbroker.adapters.http.upstream;

import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.domain.connection.ClientAuthMethod;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.token.TokenGrant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * RFC 6749 token endpoint client, for {@code oauth2} and the providers that speak it at a fixed endpoint
 * (QuickBooks, Genesys Cloud, eBay): the {@code client_credentials} grant, or the {@code refresh_token} grant when
 * the connection holds a refresh token; {@code client_secret_basic} or {@code client_secret_post}; scopes
 * space-separated; {@code audience}, {@code resource} and extra form fields when configured. One request per call;
 * retries belong to the caller.
 */
public final class OAuth2TokenIssuer implements TokenIssuer {

    private final TokenEndpointClient client;

    public OAuth2TokenIssuer(TokenEndpointClient client) {
        this.client = client;
    }

    @Override
    public TokenGrant issue(Connection connection) {
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
        connection.setting("audience").ifPresent(audience -> form.put("audience", audience));
        connection.setting("resource").ifPresent(resource -> form.put("resource", resource));
        connection.formParameters().forEach(form::putIfAbsent);
        return client.grant(client.exchange(authenticated(connection, form), connection.savedBy()), "access_token");
    }

    /** A form POST to the connection's token endpoint, authenticated as its client the way it is configured. */
    static TokenRequest authenticated(Connection connection, Map<String, String> form) {
        Optional<String> basic = Optional.empty();
        if (connection.clientId().isPresent() && connection.clientSecret().isPresent()) {
            if (connection.authMethod() == ClientAuthMethod.CLIENT_SECRET_BASIC) {
                basic = Optional.of(
                        TokenEndpointClient.basic(connection.clientId().get(), connection.clientSecret().get()));
            } else {
                form.put("client_id", connection.clientId().get());
                form.put("client_secret", connection.clientSecret().get().reveal());
            }
        }
        TokenRequest request = TokenRequest.post(connection.tokenUrl(), TokenEndpointClient.formBody(form))
                .header("Content-Type", "application/x-www-form-urlencoded");
        return basic.map(credentials -> request.header("Authorization", credentials)).orElse(request);
    }
}
