package io.tokenbroker.bootstrap.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tokenbroker.application.port.in.CreateConnectLink;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.InvalidateToken;
import io.tokenbroker.application.port.in.SaveConnection;
import io.tokenbroker.bootstrap.LocalPorts;
import io.tokenbroker.bootstrap.LocalRedis;
import io.tokenbroker.bootstrap.e2e.Browser;
import io.tokenbroker.domain.connection.ClientAuthMethod;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.connection.Secret;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two brokers over one Redis and one PostgreSQL behind one public URL, as behind a load balancer: a user opens a
 * connect link created on A, and the provider's callback lands on B. Both then serve the consented connection.
 */
class ConnectAcrossInstancesTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "shared-consent");

    private LocalRedis redis;
    private final MockOAuth2Server provider = new MockOAuth2Server();
    private final List<ApplicationContext> brokers = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        redis = LocalRedis.start();
        provider.start();
        String ring = TestDatabase.randomRing("k1");
        ports.add(LocalPorts.free());
        ports.add(LocalPorts.free());
        for (int port : ports) {
            Map<String, Object> properties = new HashMap<>();
            properties.put("datasources.default.url", TestDatabase.jdbcUrl(TestDatabase.shared()));
            properties.put("datasources.default.username", "postgres");
            properties.put("datasources.default.password", "postgres");
            properties.put("tokenbroker.encryption.keys", ring);
            properties.put("redis.uri", redis.uri());
            properties.put("tokenbroker.redis.command-timeout", "5s");
            properties.put("micronaut.server.port", port);
            // One public URL for both, the first broker's, as a load balancer would present them.
            properties.put("tokenbroker.public-url", "http://127.0.0.1:" + ports.get(0));
            brokers.add(ApplicationContext.run(EmbeddedServer.class, properties).getApplicationContext());
        }
    }

    @AfterEach
    void stop() throws IOException {
        brokers.forEach(ApplicationContext::close);
        provider.shutdown();
        redis.stop();
    }

    private String token(int broker) {
        brokers.get(broker).getBean(InvalidateToken.class).invalidate(new InvalidateToken.Command(KEY,
                Optional.empty()));
        return brokers.get(broker).getBean(GetAccessToken.class).get(new GetAccessToken.Query(KEY)).value();
    }

    @Test
    void aLinkCreatedOnOneBrokerCompletesOnTheOther() {
        brokers.get(0).getBean(SaveConnection.class).save(new SaveConnection.Command(new Connection(KEY,
                ProviderType.OAUTH2, URI.create(provider.tokenEndpointUrl("default").toString()),
                Optional.of("shared-client"), Optional.of(Secret.of("shared-secret")), List.of("openid"),
                ClientAuthMethod.CLIENT_SECRET_POST, Optional.empty(), Map.of("grant", "authorization_code",
                "authorization_url", provider.authorizationEndpointUrl("default").toString()))));
        CreateConnectLink.Created link = brokers.get(0).getBean(CreateConnectLink.class).create(
                new CreateConnectLink.Command(KEY, Optional.empty(), Optional.empty(), Duration.ofMinutes(5)));
        Browser browser = new Browser();

        URI authorize = Browser.location(browser.get(URI.create("http://127.0.0.1:" + ports.get(0)
                + "/v1/connect/" + link.link().reveal())));
        URI callback = Browser.location(browser.get(authorize));
        URI onB = URI.create("http://127.0.0.1:" + ports.get(1) + callback.getRawPath() + "?" + callback.getRawQuery());
        var completed = browser.get(onB);

        assertEquals(200, completed.statusCode(), completed.body());
        assertEquals(true, completed.body().contains("Connected"), completed.body());
        assertEquals(3, token(1).split("\\.").length, "B serves a refreshed JWT");
        assertEquals(3, token(0).split("\\.").length, "and so does A, from the refresh token in PostgreSQL");
    }
}
