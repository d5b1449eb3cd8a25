package io.tokenbroker.bootstrap.demo.sandbox;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;

import io.micronaut.json.JsonMapper;
import io.tokenbroker.adapters.http.upstream.AuthServiceTokenIssuer;
import io.tokenbroker.adapters.http.upstream.TokenEndpointClient;
import io.tokenbroker.application.contract.TokenIssuerContract;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.token.ExpiryRules;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The issuer contract for an internal auth service (GET with the tenant header), over real HTTP, against the sandbox upstream. */
class AuthServiceTokenIssuerContractTest extends TokenIssuerContract {

    private static SandboxUpstream sandbox;

    @BeforeAll
    static void startSandbox() throws IOException {
        sandbox = SandboxUpstream.start(0, "contract-client", "contract-secret", Duration.ofSeconds(300));
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    @Override
    protected TokenIssuer issuer() {
        return new AuthServiceTokenIssuer(new TokenEndpointClient(HttpClient.newHttpClient(), JsonMapper.createDefault(),
                Clock.systemUTC(), ExpiryRules.defaults(), Duration.ofSeconds(5)));
    }

    @Override
    protected Connection connectionWithValidCredentials() {
        return aConnection().withTokenUrl(tokenUrl()).withClientId("contract-client")
                .withClientSecret("contract-secret").build();
    }

    @Override
    protected Connection connectionWithWrongSecret() {
        return aConnection().withTokenUrl(tokenUrl()).withClientId("contract-client")
                .withClientSecret("guessed-secret").build();
    }

    private static URI tokenUrl() {
        return URI.create(sandbox.baseUrl() + SandboxUpstream.AUTH_SERVICE_PATH);
    }
}
