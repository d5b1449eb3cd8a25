package io.tokenbroker.bootstrap.demo.sandbox;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;

import io.micronaut.json.JsonMapper;
import io.tokenbroker.adapters.http.upstream.TokenEndpointClient;
import io.tokenbroker.application.contract.TokenIssuerContract;
import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.token.ExpiryRules;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The issuer contract over real HTTP against the sandbox upstream, which speaks every dialect the broker's issuers
 * do: a subclass names its issuer and the sandbox path of its dialect.
 */
abstract class SandboxTokenIssuerContract extends TokenIssuerContract {

    private static final String CLIENT_ID = "contract-client";
    private static SandboxUpstream sandbox;

    @BeforeAll
    static void startSandbox() throws IOException {
        sandbox = SandboxUpstream.start(0, CLIENT_ID, "contract-secret", Duration.ofSeconds(300));
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    /** The issuer under test, over {@code client}. */
    protected abstract TokenIssuer issuer(TokenEndpointClient client);

    /** Where on the sandbox this issuer's dialect is served, e.g. {@link SandboxUpstream#TOKEN_PATH}. */
    protected abstract String path();

    @Override
    protected final TokenIssuer issuer() {
        return issuer(new TokenEndpointClient(TokenEndpointClient.httpClient(Duration.ofSeconds(5)), JsonMapper.createDefault(),
                Clock.systemUTC(), ExpiryRules.defaults(), Duration.ofSeconds(5)));
    }

    @Override
    protected final Connection connectionWithValidCredentials() {
        return connectionWithSecret("contract-secret");
    }

    @Override
    protected final Connection connectionWithWrongSecret() {
        return connectionWithSecret("guessed-secret");
    }

    private Connection connectionWithSecret(String secret) {
        return aConnection().withTokenUrl(URI.create(sandbox.baseUrl() + path())).withClientId(CLIENT_ID)
                .withClientSecret(secret).build();
    }
}
