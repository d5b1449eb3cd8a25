package io.tokenbroker.adapters.http.upstream;

import io.tokenbroker.application.port.out.AuthorizationCodes;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.token.TokenGrant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code authorization_code} grant with the PKCE verifier (RFC 6749 section 4.1.3, RFC 7636 section 4.5) at the
 * connection's token endpoint, authenticated as its client like every other token request, and through the same
 * egress guard. A public client (no secret) sends its {@code client_id} in the form, as RFC 6749 asks.
 */
public final class OAuth2AuthorizationCodes implements AuthorizationCodes {

    private final TokenEndpointClient client;

    public OAuth2AuthorizationCodes(TokenEndpointClient client) {
        this.client = client;
    }

    @Override
    public TokenGrant redeem(Connection connection, Secret code, Secret verifier, String redirectUri) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code.reveal());
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", verifier.reveal());
        if (connection.clientSecret().isEmpty()) {
            connection.clientId().ifPresent(clientId -> form.put("client_id", clientId));
        }
        return client.grant(client.exchange(OAuth2TokenIssuer.authenticated(connection, form),
                connection.savedBy()), "access_token");
    }
}
