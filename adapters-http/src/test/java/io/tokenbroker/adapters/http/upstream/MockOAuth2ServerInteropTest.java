package io.tokenbroker.adapters.http.upstream;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.json.JsonMapper;
import io.tokenbroker.domain.connection.ClientAuthMethod;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.ExpiryRules;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The generic issuer against NAV's mock-oauth2-server, a real OAuth2 server from Maven Central that issues signed JWTs. */
class MockOAuth2ServerInteropTest {

    private static MockOAuth2Server server;

    @BeforeAll
    static void start() {
        server = new MockOAuth2Server();
        server.start();
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    @ParameterizedTest
    @EnumSource(ClientAuthMethod.class)
    void clientCredentialsGetASignedJwtWhoseExpiryIsRead(ClientAuthMethod authMethod) {
        OAuth2TokenIssuer issuer = new OAuth2TokenIssuer(new TokenEndpointClient(TokenEndpointClient.httpClient(Duration.ofSeconds(5)),
                JsonMapper.createDefault(), Clock.systemUTC(), ExpiryRules.defaults(), Duration.ofSeconds(5)));

        AccessToken token = issuer.issue(aConnection()
                .withTokenUrl(URI.create(server.tokenEndpointUrl("default").toString()))
                .withClientId("interop-client").withClientSecret("anything").withAuthMethod(authMethod)
                .withScopes("api://interop/.default").build()).accessToken();

        assertEquals(3, token.value().split("\\.").length, "a JWT");
        assertTrue(token.lifetime().compareTo(Duration.ZERO) > 0);
        assertTrue(token.lifetime().compareTo(Duration.ofDays(1)) <= 0);
    }
}
