package io.tokenbroker.bootstrap.demo.sandbox;

import io.tokenbroker.adapters.http.upstream.AuthServiceTokenIssuer;
import io.tokenbroker.adapters.http.upstream.TokenEndpointClient;
import io.tokenbroker.application.port.out.TokenIssuer;

/** The issuer contract for an internal auth service (GET with the tenant header, optional Basic credentials). */
class AuthServiceTokenIssuerContractTest extends SandboxTokenIssuerContract {

    @Override
    protected TokenIssuer issuer(TokenEndpointClient client) {
        return new AuthServiceTokenIssuer(client);
    }

    @Override
    protected String path() {
        return SandboxUpstream.AUTH_SERVICE_PATH;
    }
}
