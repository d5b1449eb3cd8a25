package io.tokenbroker.adapters.http.upstream;

import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.token.TokenGrant;
import java.util.EnumMap;
import java.util.Map;

/** The {@link TokenIssuer} the broker uses: picks the issuer for the connection's provider type. */
public final class ProviderTokenIssuer implements TokenIssuer {

    private final Map<ProviderType, TokenIssuer> issuers = new EnumMap<>(ProviderType.class);

    public ProviderTokenIssuer(TokenEndpointClient client) {
        TokenIssuer oauth2 = new OAuth2TokenIssuer(client);
        issuers.put(ProviderType.OAUTH2, oauth2);
        issuers.put(ProviderType.QUICKBOOKS, oauth2);
        issuers.put(ProviderType.GENESYS, oauth2);
        issuers.put(ProviderType.EBAY, oauth2);
        issuers.put(ProviderType.QPAY, new QPayTokenIssuer(client));
        issuers.put(ProviderType.AUTH_SERVICE, new AuthServiceTokenIssuer(client));
    }

    @Override
    public TokenGrant issue(Connection connection) {
        TokenIssuer issuer = issuers.get(connection.provider());
        if (issuer == null) {
            throw new IllegalStateException("no issuer for provider " + connection.provider().wireName());
        }
        return issuer.issue(connection);
    }
}
