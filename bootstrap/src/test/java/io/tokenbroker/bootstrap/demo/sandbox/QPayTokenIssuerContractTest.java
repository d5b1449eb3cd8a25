package io.tokenbroker.bootstrap.demo.sandbox;

import io.tokenbroker.adapters.http.upstream.QPayTokenIssuer;
import io.tokenbroker.adapters.http.upstream.TokenEndpointClient;
import io.tokenbroker.application.port.out.TokenIssuer;

/** The issuer contract for QPay v2 (Basic credentials, Bearer refresh). */
class QPayTokenIssuerContractTest extends SandboxTokenIssuerContract {

    @Override
    protected TokenIssuer issuer(TokenEndpointClient client) {
        return new QPayTokenIssuer(client);
    }

    @Override
    protected String path() {
        return SandboxUpstream.QPAY_TOKEN_PATH;
    }
}
