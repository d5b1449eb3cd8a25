package io.tokenbroker.adapters.http.upstream;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micronaut.json.JsonMapper;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.domain.token.ExpiryRules;
import io.tokenbroker.domain.token.TokenGrant;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client the broker really uses for token endpoints ({@link TokenEndpointClient#httpClient}): its direct executor
 * runs the client's answer handling on the one selector thread every upstream call shares, so these tests prove what
 * that must not change — timeouts, refused redirects, bounded bodies — and that one slow upstream holds up only its
 * own call.
 */
class TokenEndpointHttpClientTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T17:00:00Z"), ZoneOffset.UTC);
    private static final String TOKEN = "{\"access_token\":\"%s\",\"token_type\":\"bearer\",\"expires_in\":3600}";

    private ScriptedUpstream upstream;
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @BeforeEach
    void start() throws IOException {
        upstream = new ScriptedUpstream();
    }

    @AfterEach
    void stop() {
        upstream.close();
        callers.shutdownNow();
    }

    /** The production client; a generous request timeout except where the timeout is what is tested. */
    private static OAuth2TokenIssuer issuer(Duration requestTimeout) {
        return new OAuth2TokenIssuer(new TokenEndpointClient(TokenEndpointClient.httpClient(Duration.ofSeconds(5)),
                JsonMapper.createDefault(), CLOCK, ExpiryRules.defaults(), requestTimeout));
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
    void anOversizedAnswerIsRejectedAndTheNextCallIsServed() {
        OAuth2TokenIssuer issuer = issuer(Duration.ofSeconds(10));
        upstream.answerAt("/big", 200, TOKEN.formatted("a".repeat(TokenEndpointClient.MAX_BODY_BYTES * 3)));
        upstream.answer(200, TOKEN.formatted("small"));

        UpstreamException.Rejected rejected = assertThrows(UpstreamException.Rejected.class,
                () -> issue(issuer, "/big"));

        assertEquals(Optional.of("response_too_large"), rejected.errorCode());
        assertEquals("small", issue(issuer, "/token").accessToken().value());
    }
}
