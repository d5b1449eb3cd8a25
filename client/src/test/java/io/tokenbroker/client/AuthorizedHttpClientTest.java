package io.tokenbroker.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The 401 hook against a real local API that accepts what the fake broker says is valid. */
class AuthorizedHttpClientTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-03T08:00:00Z"));
    private final FakeTokenBroker fake = new FakeTokenBroker(clock);
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final AtomicBoolean refuseEverything = new AtomicBoolean();
    private final LocalServer api = new LocalServer(this::handle);
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        api.close();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        seen.add(authorization + " " + body);
        String token = authorization == null ? "" : authorization.substring("Bearer ".length());
        if (refuseEverything.get() || !fake.accepts(token)) {
            LocalServer.answer(exchange, 401, "text/plain", "refused " + token);
        } else {
            LocalServer.answer(exchange, 200, "text/plain", "ok " + body);
        }
    }

    private AuthorizedHttpClient hook(TokenBrokerClient broker) {
        return AuthorizedHttpClient.of(http, broker, "acme", "crm");
    }

    private HttpRequest post(String body) {
        return HttpRequest.newBuilder(api.uri().resolve("/orders"))
                .header("Authorization", "Basic somebody-elses")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    void addsTheBearerTokenInPlaceOfTheRequestsOwnAuthorization() throws Exception {
        HttpResponse<String> response = hook(fake).send(post("one"), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals(List.of("Bearer fake-acme-crm-1 one"), seen);
        assertEquals(0, fake.invalidations());
    }

    @Test
    void aRefusedTokenIsInvalidatedAndTheRequestSentOnceMoreWithItsBody() throws Exception {
        String revoked = fake.revokeCurrent("acme", "crm");

        HttpResponse<String> response = hook(fake).send(post("two"), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals("ok two", response.body());
        assertEquals(List.of("Bearer " + revoked + " two", "Bearer fake-acme-crm-2 two"), seen);
        assertEquals(1, fake.invalidations());
    }

    @Test
    void aSecond401IsReturnedAsItIsWithoutAThirdTry() throws Exception {
        refuseEverything.set(true);

        HttpResponse<String> response = hook(fake).send(post("three"), HttpResponse.BodyHandlers.ofString());

        assertEquals(401, response.statusCode());
        assertEquals("refused fake-acme-crm-2", response.body());
        assertEquals(2, seen.size());
        assertEquals(1, fake.invalidations());
    }

    @Test
    void sendAsyncRetriesTheSameWay() throws Exception {
        fake.revokeCurrent("acme", "crm");

        HttpResponse<String> response = hook(fake).sendAsync(post("four"), HttpResponse.BodyHandlers.ofString())
                .get(30, TimeUnit.SECONDS);

        assertEquals(200, response.statusCode());
        assertEquals("ok four", response.body());
        assertEquals(2, fake.issued("acme", "crm"));
    }

    @Test
    void aBrokerOutageSurfacesAsUnavailableAndSendsNothing() {
        fake.outage(Optional.of(Duration.ofSeconds(5)));

        assertThrows(TokenBrokerException.Unavailable.class,
                () -> hook(fake).send(post("five"), HttpResponse.BodyHandlers.ofString()));
        assertEquals(List.of(), seen);
    }

    @Test
    void aBurstOf401sForOneTokenCausesOneRefreshThroughTheCache() throws Exception {
        GatedBroker gated = new GatedBroker(fake);
        CachingTokenBrokerClient cached = new CachingTokenBrokerClient(gated, Duration.ofSeconds(30), clock);
        gated.open();
        String revoked = cached.token("acme", "crm").value();
        fake.revoke(revoked);
        AuthorizedHttpClient hook = hook(cached);

        try (Callers<HttpResponse<String>> callers = new Callers<>(30,
                () -> hook.send(post("burst"), HttpResponse.BodyHandlers.ofString()))) {
            for (Future<HttpResponse<String>> result : callers.results()) {
                assertEquals(200, result.get(30, TimeUnit.SECONDS).statusCode());
            }
        }
        assertEquals(2, fake.issued("acme", "crm"));
        assertEquals(1, fake.tokenCalls() - 1, "one re-fetch after the first token");
    }
}
