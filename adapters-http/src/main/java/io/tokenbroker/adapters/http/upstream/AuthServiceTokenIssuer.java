package io.tokenbroker.adapters.http.upstream;

import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.token.TokenGrant;

/**
 * An internal token service: {@code GET {url}} with the tenant id in a header ({@code X-Tenant-ID} unless the
 * connection says otherwise), answering {@code {"token": "..."}} (default lifetime applies) or a standard OAuth
 * body. Client credentials, when configured, go as Basic auth.
 */
public final class AuthServiceTokenIssuer implements TokenIssuer {

    static final String DEFAULT_TENANT_HEADER = "X-Tenant-ID";

    private final TokenEndpointClient client;

    public AuthServiceTokenIssuer(TokenEndpointClient client) {
        this.client = client;
    }

    @Override
    public TokenGrant issue(Connection connection) {
        TokenRequest request = TokenRequest.get(connection.tokenUrl())
                .header(connection.setting("tenant_header").orElse(DEFAULT_TENANT_HEADER),
                        connection.key().tenant().value());
        if (connection.clientId().isPresent() && connection.clientSecret().isPresent()) {
            request = request.header("Authorization",
                    TokenEndpointClient.basic(connection.clientId().get(), connection.clientSecret().get()));
        }
        return client.grant(client.exchange(request, connection.savedBy()), "token");
    }
}
