package io.tokenbroker.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP client against a real local server that answers as the broker does. */
class HttpTokenBrokerClientTest {

    private static final String KEY = "tbk_clienttest00001_SecretPartOfTheKeySecretPartOfTheKeySecretPa";
    private static final String PROBLEM = "application/problem+json";

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-03T08:00:00Z"));
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private volatile Answer answer = new Answer(200, "application/json",
            "{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_at\":\"2026-12-03T09:00:00Z\","
                    + "\"expires_in\":3600}", Map.of());
    private final LocalServer broker = new LocalServer(this::handle);

    private record Answer(int status, String contentType, String body, Map<String, String> headers) {
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " key="
                + exchange.getRequestHeaders().getFirst("X-API-Key") + " " + body);
        Answer now = answer;
        now.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        LocalServer.answer(exchange, now.status(), now.contentType(), now.body());
    }

    private TokenBrokerClient client() {
        return TokenBrokerClient.builder(broker.uri().toString(), KEY).clock(clock).build();
    }

    private void problem(int status, String name, Map<String, String> headers) {
        answer = new Answer(status, PROBLEM, "{\"type\":\"urn:tokenbroker:problem:" + name + "\",\"title\":\"T " + name
                + "\",\"status\":" + status + ",\"detail\":\"D " + name + "\",\"instance\":\"/v1/x\"}", headers);
    }

    @Test
    void getsTheTokenWithTheKeyAndReadsItsExpiry() {
        Token token = client().token("acme", "crm");

        assertEquals(new Token("at-1", "Bearer", Instant.parse("2026-12-03T09:00:00Z")), token);
        assertEquals("GET /v1/tenants/acme/connections/crm/token key=" + KEY + " ", seen.get(0));
    }

    @Test
    void sendsMinValidForInWholeSecondsRoundedUp() {
        client().token("acme", "crm", Duration.ofMillis(300_001));

        assertTrue(seen.get(0).startsWith("GET /v1/tenants/acme/connections/crm/token?min_valid_for=301 "), seen.get(0));
    }

    @Test
    void invalidatesWithTheRejectedTokenAsJson() {
        answer = new Answer(204, null, "", Map.of());

        client().invalidate("acme", "crm", "the-\"rejected\"-token");

        assertEquals("POST /v1/tenants/acme/connections/crm/token/invalidate key=" + KEY
                + " {\"access_token\":\"the-\\\"rejected\\\"-token\"}", seen.get(0));
    }

    @Test
    void aBaseUrlWithAPathKeepsIt() {
        TokenBrokerClient client = TokenBrokerClient.builder(broker.uri() + "/broker", KEY).build();

        client.token("acme", "crm");

        assertTrue(seen.get(0).startsWith("GET /broker/v1/tenants/acme/connections/crm/token "), seen.get(0));
    }

    @Test
    void problemsBecomeTypedExceptionsWithTheBrokersWords() {
        problem(404, "connection-not-found", Map.of());
        TokenBrokerException.NotFound missing = assertThrows(TokenBrokerException.NotFound.class,
                () -> client().token("acme", "crm"));
        assertEquals(new Problem("urn:tokenbroker:problem:connection-not-found", "T connection-not-found", 404,
                "D connection-not-found"), missing.problem());
        assertEquals("connection-not-found", missing.problem().name());
        assertTrue(missing.getMessage().contains("D connection-not-found"), missing.getMessage());

        problem(409, "reauthorization-required", Map.of());
        assertTrue(assertThrows(TokenBrokerException.Conflict.class, () -> client().token("acme", "crm"))
                .reauthorizationRequired());
        problem(502, "upstream-rejected", Map.of());
        assertThrows(TokenBrokerException.UpstreamRejected.class, () -> client().token("acme", "crm"));
        problem(401, "unauthorized", Map.of());
        assertThrows(TokenBrokerException.Unauthorized.class, () -> client().token("acme", "crm"));
        problem(403, "forbidden", Map.of());
        assertThrows(TokenBrokerException.Unauthorized.class, () -> client().invalidate("acme", "crm", "x"));
        problem(400, "invalid-identifier", Map.of());
        assertThrows(TokenBrokerException.InvalidRequest.class, () -> client().token("acme", "c r m"));
    }

    @Test
    void retryAfterIsReadInSecondsOrAsADate() {
        problem(503, "token-unavailable", Map.of("Retry-After", "12"));
        TokenBrokerException.Unavailable busy = assertThrows(TokenBrokerException.Unavailable.class,
                () -> client().token("acme", "crm"));
        assertEquals(Optional.of(Duration.ofSeconds(12)), busy.retryAfter());

        problem(429, "rate-limited", Map.of("Retry-After", "Thu, 03 Dec 2026 08:00:40 GMT"));
        TokenBrokerException.RateLimited limited = assertThrows(TokenBrokerException.RateLimited.class,
                () -> client().token("acme", "crm"));
        assertEquals(Optional.of(Duration.ofSeconds(40)), limited.retryAfter());

        problem(404, "connection-not-found", Map.of());
        assertEquals(Optional.empty(), assertThrows(TokenBrokerException.class,
                () -> client().token("acme", "crm")).retryAfter());
    }

    @Test
    void anErrorThatIsNotAProblemStillGivesItsStatus() {
        answer = new Answer(503, "text/html", "<html>bad gateway</html>", Map.of());

        TokenBrokerException failed = assertThrows(TokenBrokerException.Unavailable.class,
                () -> client().token("acme", "crm"));

        assertEquals(new Problem("about:blank", "HTTP 503", 503, null), failed.problem());
    }

    @Test
    void aTokenAnswerWithoutATokenIsAFailureThatDoesNotQuoteIt() {
        answer = new Answer(200, "application/json", "{\"access_token\":\"half-a-secret\"}", Map.of());

        TokenBrokerException failed = assertThrows(TokenBrokerException.class, () -> client().token("acme", "crm"));

        assertFalse(failed.getMessage().contains("half-a-secret"), failed.getMessage());
    }

    @Test
    void anUnreachableBrokerIsUnavailableWithNoStatus() {
        URI gone = broker.uri();
        broker.close();

        TokenBrokerException.Unavailable down = assertThrows(TokenBrokerException.Unavailable.class,
                () -> TokenBrokerClient.builder(gone, KEY).build().token("acme", "crm"));

        assertEquals(0, down.problem().status());
        assertInstanceOf(IOException.class, down.getCause());
    }

    @Test
    void theKeyAppearsInNoMessageOrDescription() {
        problem(401, "unauthorized", Map.of());
        TokenBrokerClient client = client();

        TokenBrokerException failed = assertThrows(TokenBrokerException.class, () -> client.token("acme", "crm"));

        assertFalse(failed.getMessage().contains("SecretPart"), failed.getMessage());
        assertFalse(client.toString().contains("SecretPart"), client.toString());
        assertNull(failed.getCause());
    }
}
