package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import io.tokenbroker.client.AuthorizedHttpClient;
import io.tokenbroker.client.Token;
import io.tokenbroker.client.TokenBrokerClient;
import io.tokenbroker.client.TokenBrokerException;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Java client (module {@code client}) against the whole broker over real HTTP, a counted sandbox upstream
 * and a real local API that refuses a revoked token: the 401 hook turns a burst of 401s into one refresh.
 */
@MicronautTest
class JavaClientEndToEndTest {

    private static final String CLIENT_ID = "java-client";
    private static final String CLIENT_SECRET = "java-client-secret-never-echoed";
    private static final int BURST = 100;

    @Inject
    EmbeddedServer server;

    private SandboxUpstream upstream;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ExecutorService callers = Executors.newFixedThreadPool(BURST);

    @BeforeEach
    void start() throws IOException {
        upstream = SandboxUpstream.start(0, CLIENT_ID, CLIENT_SECRET, Duration.ofSeconds(600));
    }

    @AfterEach
    void stop() {
        callers.shutdownNow();
        upstream.close();
    }

    @Test
    void aBurstOf401sForOneRevokedTokenCausesOneUpstreamRefreshThroughTheCachingClient() throws Exception {
        burstOf401s("cached", TokenBrokerClient.builder(server.getURI(), BrokerClient.ADMIN_KEY).cache().build());
    }

    @Test
    void theBrokerAloneCollapsesTheBurstForAClientWithoutACache() throws Exception {
        burstOf401s("uncached", TokenBrokerClient.builder(server.getURI(), BrokerClient.ADMIN_KEY).build());
    }

    private void burstOf401s(String connection, TokenBrokerClient client) throws Exception {
        register(connection);
        String revoked = client.token("acme", connection).value();
        assertEquals(1, upstream.tokenRequests());
        AuthorizedHttpClient hook = AuthorizedHttpClient.of(http, client, "acme", connection);

        try (RevokingApi api = new RevokingApi(revoked, BURST)) {
            HttpRequest request = HttpRequest.newBuilder(api.uri("/orders"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"since\":\"today\"}")).build();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                calls.add(callers.submit(() -> {
                    go.await();
                    return hook.send(request, HttpResponse.BodyHandlers.ofString());
                }));
            }
            go.countDown();

            for (Future<HttpResponse<String>> call : calls) {
                HttpResponse<String> response = call.get(60, TimeUnit.SECONDS);
                assertEquals(200, response.statusCode(), response.body());
            }
            assertEquals(BURST, api.refused(), "every caller's first try carried the revoked token");
            assertEquals(BURST, api.served(), "every caller's retry succeeded");
        }
        assertEquals(2, upstream.tokenRequests(), "one refresh for the whole burst");
        assertNotEquals(revoked, client.token("acme", connection).value());
    }

    @Test
    void minValidForIsAcceptedAndTheTokenLastsThatLong() {
        register("long");
        TokenBrokerClient client = TokenBrokerClient.builder(server.getURI(), BrokerClient.ADMIN_KEY).build();

        Token token = client.token("acme", "long", Duration.ofSeconds(300));

        assertTrue(token.validFor(Duration.ofSeconds(300), Instant.now()), token.toString());
        assertEquals("Bearer", token.tokenType());
        // The sandbox issues 600 s tokens: the broker knows that now, so a longer wish is refused, not refreshed.
        TokenBrokerException.InvalidRequest refused = assertThrows(TokenBrokerException.InvalidRequest.class,
                () -> client.token("acme", "long", Duration.ofSeconds(601)));
        assertEquals("min-validity-unsatisfiable", refused.problem().name());
        assertEquals(422, refused.problem().status());
        assertEquals(1, upstream.tokenRequests());
    }

    @Test
    void theBrokersProblemsArriveAsTypedExceptions() {
        TokenBrokerClient client = TokenBrokerClient.builder(server.getURI(), BrokerClient.ADMIN_KEY).build();

        TokenBrokerException.NotFound missing = assertThrows(TokenBrokerException.NotFound.class,
                () -> client.token("acme", "nothing-here"));
        assertEquals("connection-not-found", missing.problem().name());
        assertEquals(404, missing.problem().status());
        assertThrows(TokenBrokerException.InvalidRequest.class, () -> client.token("acme", "not valid"));
        assertThrows(TokenBrokerException.Unauthorized.class, () -> TokenBrokerClient.builder(server.getURI(),
                "tbk_nosuchkey0000001_NoSuchSecretNoSuchSecretNoSuchSecretNoSuchSe").build().token("acme", "x"));
    }

    private void register(String connection) {
        HttpResponse<String> response = new BrokerClient(server.getURI()).put("/v1/tenants/acme/connections/"
                + connection, "{\"provider\":\"oauth2\",\"token_url\":\"" + upstream.tokenUrl() + "\",\"client_id\":\""
                + CLIENT_ID + "\",\"client_secret\":\"" + CLIENT_SECRET + "\",\"scopes\":[\"read\"]}");
        assertEquals(201, response.statusCode(), response.body());
    }
}
