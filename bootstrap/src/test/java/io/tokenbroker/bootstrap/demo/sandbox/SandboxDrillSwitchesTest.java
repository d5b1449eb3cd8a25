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
 * The sandbox's switches for the kill -9 drills, over real HTTP: the refresh-token ledger that tells a token lost
 * by the client from one answered to a dead process, the hold that parks token requests before they rotate
 * anything, and the reuse grace.
 */
class SandboxDrillSwitchesTest {

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

        CompletableFuture<HttpResponse<String>> parked = http.sendAsync(tokenRequest(minted),
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
        return http.send(tokenRequest(refreshToken), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest tokenRequest(String refreshToken) {
        String basic = Base64.getEncoder().encodeToString("client:secret".getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(sandbox.tokenUrl()).header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&refresh_token=" + refreshToken))
                .build();
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
