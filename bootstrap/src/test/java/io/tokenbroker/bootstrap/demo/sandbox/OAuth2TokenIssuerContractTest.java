package io.tokenbroker.bootstrap.demo.sandbox;

import io.tokenbroker.adapters.http.upstream.ProviderTokenIssuer;
import io.tokenbroker.adapters.http.upstream.TokenEndpointClient;
import io.tokenbroker.application.port.out.TokenIssuer;

/** The issuer contract for the broker's issuer (provider oauth2). */
class OAuth2TokenIssuerContractTest extends SandboxTokenIssuerContract {

    @Override
    protected TokenIssuer issuer(TokenEndpointClient client) {
        return new ProviderTokenIssuer(client);
    }

    @Override
    protected String path() {
        return SandboxUpstream.TOKEN_PATH;
    }
}
