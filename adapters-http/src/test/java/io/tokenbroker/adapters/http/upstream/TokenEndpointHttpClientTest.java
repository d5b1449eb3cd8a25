package io.tokenbroker.adapters.http.upstream;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.json.JsonMapper;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.token.ExpiryRules;
import io.tokenbroker.domain.token.TokenGrant;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client the broker really uses for token endpoints ({@link TokenEndpointClient#httpClient}, Apache HttpClient 5
 * classic): the exchange runs on the calling thread over pooled connections. These tests prove what that must keep —
 * timeouts, refused redirects, bounded bodies, one slow upstream holding up only its own call — and what it brings: a
 * grant is never resent by the client, connections are reused, and no other thread carries the exchange.
 */
class TokenEndpointHttpClientTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T17:00:00Z"), ZoneOffset.UTC);
    private static final String TOKEN = "{\"access_token\":\"%s\",\"token_type\":\"bearer\",\"expires_in\":3600}";

    private ScriptedUpstream upstream;
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final List<TokenEndpointClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        upstream = new ScriptedUpstream();
    }

    @AfterEach
    void stop() throws IOException {
        upstream.close();
        callers.shutdownNow();
        for (TokenEndpointClient client : clients) {
            client.close();
        }
    }

    /** The production client; a generous request timeout except where the timeout is what is tested. */
    private OAuth2TokenIssuer issuer(Duration requestTimeout) {
        return new OAuth2TokenIssuer(client(requestTimeout));
    }

    private TokenEndpointClient client(Duration requestTimeout) {
        TokenEndpointClient client = new TokenEndpointClient(TokenEndpointClient.httpClient(Duration.ofSeconds(5)),
                JsonMapper.createDefault(), CLOCK, ExpiryRules.defaults(), requestTimeout);
        clients.add(client);
        return client;
    }

    private TokenGrant issue(OAuth2TokenIssuer issuer, String path) {
        return issuer.issue(aConnection().withTokenUrl(upstream.url(path).toString()).build());
    }

    @Test
    void aSilentUpstreamStillTimesOut() {
        upstream.silent();

        UpstreamException.Unavailable unavailable = assertThrows(UpstreamException.Unavailable.class,
                () -> issue(issuer(Duration.ofMillis(300)), "/token"));

        assertEquals(Optional.of("timeout"), unavailable.errorCode());
    }

    @Test
    @Timeout(60) // a blocked selector thread would hang the second call, not fail it
    void aBodyThatStallsHoldsUpOnlyItsOwnCall() throws Exception {
        OAuth2TokenIssuer issuer = issuer(Duration.ofSeconds(10));
        upstream.stallBodyAt("/slow", 200, TOKEN.formatted("slow-" + "x".repeat(2000)));
        upstream.answer(200, TOKEN.formatted("fast"));
        Future<TokenGrant> slow = callers.submit(() -> issue(issuer, "/slow"));
        upstream.awaitStalledBody();

        TokenGrant fast = issue(issuer, "/token");

        assertEquals("fast", fast.accessToken().value());
        assertFalse(slow.isDone());
        upstream.releaseBody();
        assertEquals("slow-" + "x".repeat(2000), slow.get().accessToken().value());
    }

    @Test
    void manyCallsAtOnceEachGetTheirOwnAnswer() throws Exception {
        OAuth2TokenIssuer issuer = issuer(Duration.ofSeconds(10));
        for (int i = 0; i < 20; i++) {
            upstream.answerAt("/t" + i, 200, TOKEN.formatted("at-" + i));
        }
        List<Future<TokenGrant>> grants = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String path = "/t" + i;
            grants.add(callers.submit(() -> issue(issuer, path)));
        }

        for (int i = 0; i < 20; i++) {
            assertEquals("at-" + i, grants.get(i).get().accessToken().value());
        }
    }

    @Test
    void aRedirectIsNotFollowed() {
        upstream.answerAt("/elsewhere", 200, TOKEN.formatted("elsewhere"));
        upstream.answer(302, "", Map.of("Location", upstream.url("/elsewhere").toString()));

        UpstreamException.Rejected rejected = assertThrows(UpstreamException.Rejected.class,
                () -> issue(issuer(Duration.ofSeconds(10)), "/token"));

        assertEquals(Optional.of("http_302"), rejected.errorCode());
        assertEquals(List.of("/token"), upstream.requests().stream().map(ScriptedUpstream.Request::path).toList());
    }

    @Test
    void aBodyStalledAfterTheHeadersTimesOut() {
        upstream.stallBodyAt("/slow", 200, TOKEN.formatted("slow-" + "x".repeat(2000)));

        UpstreamException.Unavailable unavailable = assertThrows(UpstreamException.Unavailable.class,
                () -> issue(issuer(Duration.ofMillis(300)), "/slow"));

        assertEquals(Optional.of("timeout"), unavailable.errorCode());
    }

    /**
     * The second half of the body is held back for 30 s: a client that drains the rest of an oversized body before
     * giving up (rather than closing the connection) would wait for it and be stopped by the test's timeout. A whole
     * oversized body: {@code OAuth2TokenIssuerTest.anOversizedAnswerIsRejected}.
     */
    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anOversizedAnswerIsRejectedAndTheNextCallIsServed() {
        OAuth2TokenIssuer issuer = issuer(Duration.ofMinutes(5));
        upstream.stallBodyAt("/big", 200, TOKEN.formatted("a".repeat(TokenEndpointClient.MAX_BODY_BYTES * 3)));
        upstream.answer(200, TOKEN.formatted("small"));

        UpstreamException.Rejected rejected = assertThrows(UpstreamException.Rejected.class,
                () -> issue(issuer, "/big"));

        assertEquals(Optional.of("response_too_large"), rejected.errorCode());
        assertEquals("small", issue(issuer, "/token").accessToken().value());
    }

    /** A refresh token presented twice breaks rotation; GET (idempotent) is what a default client would resend. */
    @ParameterizedTest
    @EnumSource(value = ProviderType.class, names = {"OAUTH2", "AUTH_SERVICE"})
    void aRequestAnsweredByAHangUpIsSentOnceAndFailsUnreachable(ProviderType provider) throws Exception {
        HangingUpUpstream hangingUp = new HangingUpUpstream();
        ProviderTokenIssuer issuer = new ProviderTokenIssuer(client(Duration.ofSeconds(10)));
        URI tokenUrl = hangingUp.url("/token");
        var connection = aConnection().withProvider(provider).withTokenUrl(tokenUrl).withRefreshToken("rt-1");

        UpstreamException.Unavailable unavailable = assertThrows(UpstreamException.Unavailable.class,
                () -> issuer.issue((provider == ProviderType.AUTH_SERVICE
                        ? connection.withSettings(Map.of("url", tokenUrl.toString())) : connection).build()));
        hangingUp.close();

        assertEquals(Optional.of("unreachable"), unavailable.errorCode());
        assertEquals(1, hangingUp.requests(), "requests the upstream read");
        assertEquals(1, hangingUp.connections(), "connections the upstream accepted");
    }

    @Test
    void sequentialCallsReuseOneConnection() {
        OAuth2TokenIssuer issuer = issuer(Duration.ofSeconds(10));
        upstream.answer(200, TOKEN.formatted("again"));

        for (int i = 0; i < 5; i++) {
            assertEquals("again", issue(issuer, "/token").accessToken().value());
        }

        assertEquals(5, upstream.requests().size());
        assertEquals(1, upstream.requests().stream().map(ScriptedUpstream.Request::clientPort).distinct().count(),
                "client ports, one per connection");
        assertEquals("tokenbroker", upstream.lastRequest().headers().get("user-agent"), "not the library's own");
    }

    /**
     * While the answer is due, the caller itself is blocked in a socket read: no selector thread reads for it. The
     * upstream holds its answer until it sees that (a client that parks the caller never shows it, and the wait
     * ends unanswered after 10 s).
     */
    @Test
    void theCallingThreadReadsTheAnswerItself() throws Exception {
        OAuth2TokenIssuer issuer = issuer(Duration.ofSeconds(30));
        Thread caller = Thread.currentThread();
        CompletableFuture<Boolean> callerReading = new CompletableFuture<>();
        upstream.beforeAnswer(() -> callerReading.complete(awaitSocketRead(caller, Duration.ofSeconds(10))));
        upstream.answer(200, TOKEN.formatted("mine"));

        assertEquals("mine", issue(issuer, "/token").accessToken().value());

        assertTrue(callerReading.get(), "the calling thread was seen blocked in a socket read");
    }

    private static boolean awaitSocketRead(Thread thread, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (Arrays.stream(thread.getStackTrace())
                    .anyMatch(frame -> frame.getClassName().equals("java.net.Socket$SocketInputStream"))) {
                return true;
            }
            LockSupport.parkNanos(Duration.ofMillis(1).toNanos()); // polling another thread's stack: no event to await
        }
        return false;
    }
}
