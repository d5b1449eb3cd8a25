package io.tokenbroker.adapters.http.upstream;

import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.token.TokenGrant;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * QPay v2: {@code POST …/v2/auth/token} with Basic client id and secret and no body; refresh with
 * {@code POST …/v2/auth/refresh} and {@code Authorization: Bearer <refresh_token>}. A refused refresh (expired or
 * revoked refresh token) falls back to a fresh token request, since QPay's token endpoint needs only the client
 * credentials; its unit-ambiguous {@code expires_in}/{@code refresh_expires_in} are read by the domain.
 */
public final class QPayTokenIssuer implements TokenIssuer {

    private final TokenEndpointClient client;

    public QPayTokenIssuer(TokenEndpointClient client) {
        this.client = client;
    }

    @Override
    public TokenGrant issue(Connection connection) {
        Optional<Secret> refreshToken = connection.refreshToken();
        if (refreshToken.isPresent()) {
            try {
                return client.grant(client.exchange(TokenRequest.post(refreshUrl(connection.tokenUrl()), "")
                        .header("Authorization", "Bearer " + refreshToken.get().reveal()), connection.savedBy()),
                        "access_token");
            } catch (UpstreamException.Rejected refreshRefused) {
                // Falls through: the client credentials still get a new token (and a new refresh token).
            }
        }
        // QPay's merchant credentials are sent as they are, not form-encoded: they are a username and password.
        String pair = connection.clientId().orElseThrow() + ":" + connection.clientSecret().orElseThrow().reveal();
        return client.grant(client.exchange(TokenRequest.post(connection.tokenUrl(), "")
                .header("Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8))),
                connection.savedBy()), "access_token");
    }

    /** The refresh endpoint sits beside the token endpoint: {@code …/auth/token} → {@code …/auth/refresh}. */
    static URI refreshUrl(URI tokenUrl) {
        String path = tokenUrl.getPath();
        int slash = path.lastIndexOf('/');
        return tokenUrl.resolve(path.substring(0, slash + 1) + "refresh");
    }
}
