package io.tokenbroker.bootstrap.demo.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin switches benchmarks and fault drills drive the sandbox with, over real HTTP; for the kill -9 drills also
 * the refresh-token ledger that tells a token lost by the client from one answered to a dead process, the hold that
 * parks token requests before they rotate anything, and the reuse grace.
 */
class SandboxUpstreamAdminTest {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private SandboxUpstream sandbox;

    @BeforeEach
    void start() throws IOException {
        sandbox = SandboxUpstream.start(0, "client", "secret", Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    @Test
    void aFaultAnswersItsStatusWithRetryAfterUntilItIsSwitchedOff() throws Exception {
        assertEquals(200, post("/fault", "{\"status\":429,\"seconds\":30,\"retry_after\":2}").statusCode());

        HttpResponse<String> refused = token("grant_type=client_credentials");
        assertEquals(429, refused.statusCode());
        assertEquals("2", refused.headers().firstValue("Retry-After").orElseThrow());

        post("/fault", "{\"status\":0}");
        assertEquals(200, token("grant_type=client_credentials").statusCode());
        assertTrue(get("/stats").body().contains("\"fault_responses\":1"), get("/stats").body());
    }

    @Test
    void aFaultEndsByItself() throws Exception {
        post("/fault", "{\"status\":503,\"seconds\":0}");

        assertEquals(200, token("grant_type=client_credentials").statusCode());
    }

    @Test
    void malformedAdminRequestsAreRefused() throws Exception {
        assertEquals(400, post("/fault", "{\"status\":200,\"seconds\":5}").statusCode());
        assertEquals(400, post("/fault", "{\"status\":503}").statusCode());
        assertEquals(400, post("/delay", "{}").statusCode());
    }

    @Test
    void aMintedRefreshTokenWorksOnceAndItsReplayIsCounted() throws Exception {
        String minted = post("/refresh-tokens", "").body().replaceAll(".*\"refresh_token\":\"([^\"]+)\".*", "$1");

        assertEquals(200, token("grant_type=refresh_token&refresh_token=" + minted).statusCode());
        assertEquals(400, token("grant_type=refresh_token&refresh_token=" + minted).statusCode());
        assertTrue(get("/stats").body().contains("\"refresh_rejected\":1"), get("/stats").body());
    }

    @Test
    void theDelaySwitchSlowsTokenResponses() throws Exception {
        post("/delay", "{\"millis\":150}");

        long started = System.nanoTime();
        token("grant_type=client_credentials");
        assertTrue(System.nanoTime() - started >= Duration.ofMillis(150).toNanos());
    }

    @Test
    void theLedgerTellsWhenEachTokenWasIssuedRedeemedAndRefused() throws Exception {
        String minted = mint();
        assertEquals(200, refresh(minted).statusCode());
        assertEquals(400, refresh(minted).statusCode());

        String ledger = get("/refresh-tokens").body();
        assertTrue(ledger.matches(".*\\{\"number\":1,\"parent\":0,\"issued_at\":\\d+,\"redeemed_at\":\\d+,"
                + "\"reused\":0,\"refused_at\":\\[\\d+]}.*"), ledger);
        assertTrue(ledger.matches(".*\\{\"number\":2,\"parent\":1,\"issued_at\":\\d+,\"redeemed_at\":-1,.*"), ledger);
        assertTrue(!ledger.contains(minted), "token values never leave the sandbox");
    }

    @Test
    void insideTheReuseGraceARedeemedTokenWorksAgain() throws Exception {
        assertEquals(200, post("/reuse-grace", "{\"seconds\":60}").statusCode());
        String minted = mint();

        assertEquals(200, refresh(minted).statusCode());
        assertEquals(200, refresh(minted).statusCode());
        assertTrue(get("/refresh-tokens").body().contains("\"reused\":1"));
        assertTrue(get("/stats").body().contains("\"refresh_rejected\":0"), get("/stats").body());
        assertEquals(400, post("/reuse-grace", "{\"seconds\":-1}").statusCode());
    }

    @Test
    void aHeldRequestIsParkedAndAnswered503OnReleaseWithoutRotating() throws Exception {
        String minted = mint();
        assertTrue(post("/hold", "{\"held\":true}").body().contains("\"held\":true"));

        CompletableFuture<HttpResponse<String>> parked = http.sendAsync(
                tokenRequest("grant_type=refresh_token&refresh_token=" + minted),
                HttpResponse.BodyHandlers.ofString());
        while (!get("/hold").body().contains("\"parked\":1")) {
            assertTrue(!parked.isDone(), "the held request must wait for the release");
        }
        assertTrue(get("/hold").body().contains("\"in_flight\":0"), get("/hold").body());
        post("/hold", "{\"held\":false}");

        assertEquals(503, parked.get(30, TimeUnit.SECONDS).statusCode());
        assertEquals(200, refresh(minted).statusCode(), "the parked request rotated nothing");
        assertEquals(400, post("/hold", "{}").statusCode());
    }

    private String mint() throws Exception {
        return post("/refresh-tokens", "").body().replaceAll(".*\"refresh_token\":\"([^\"]+)\".*", "$1");
    }

    private HttpResponse<String> refresh(String refreshToken) throws Exception {
        return token("grant_type=refresh_token&refresh_token=" + refreshToken);
    }

    private HttpResponse<String> token(String form) throws Exception {
        return http.send(tokenRequest(form), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest tokenRequest(String form) {
        String basic = Base64.getEncoder().encodeToString("client:secret".getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(sandbox.tokenUrl()).header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
