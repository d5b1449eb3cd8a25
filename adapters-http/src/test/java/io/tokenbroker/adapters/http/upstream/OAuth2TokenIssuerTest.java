package io.tokenbroker.adapters.http.upstream;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.json.JsonMapper;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.application.testing.ConnectionTestData;
import io.tokenbroker.domain.connection.ClientAuthMethod;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.token.ExpiryRules;
import io.tokenbroker.domain.token.TokenGrant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the generic OAuth2 issuer sends and how it reads every kind of answer, over real HTTP. */
class OAuth2TokenIssuerTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private ScriptedUpstream upstream;
    private OAuth2TokenIssuer issuer;

    @BeforeEach
    void start() throws IOException {
        upstream = new ScriptedUpstream();
        issuer = issuerWithTimeout(Duration.ofSeconds(10));
    }

    /** A generous timeout everywhere but in the timeout test: a loaded CI machine must not turn answers into timeouts. */
    private static OAuth2TokenIssuer issuerWithTimeout(Duration timeout) {
        return new OAuth2TokenIssuer(new TokenEndpointClient(TokenEndpointClient.httpClient(Duration.ofSeconds(5)), JsonMapper.createDefault(),
                CLOCK, ExpiryRules.defaults(), timeout));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private ConnectionTestData connection() {
        return aConnection().withTokenUrl(upstream.tokenUrl()).withClientId("id with:colon")
                .withClientSecret("s&cret=1").withScopes("read", "write");
    }

    @Test
    void clientCredentialsWithBasicAuthEncodesIdAndSecretAsRfc6749Says() {
        upstream.answer(200, "{\"access_token\":\"at-1\",\"token_type\":\"bearer\",\"expires_in\":3600}");

        TokenGrant grant = issuer.issue(connection().build());

        ScriptedUpstream.Request request = upstream.lastRequest();
        assertEquals("POST", request.method());
        assertEquals("application/x-www-form-urlencoded", request.headers().get("content-type"));
        String basic = new String(Base64.getDecoder().decode(request.headers().get("authorization").substring(6)),
                StandardCharsets.UTF_8);
        assertEquals("id+with%3Acolon:s%26cret%3D1", basic);
        assertEquals("grant_type=client_credentials&scope=read+write", request.body());
        assertEquals("at-1", grant.accessToken().value());
        assertEquals("bearer", grant.accessToken().tokenType());
        assertEquals(NOW.plusSeconds(3600), grant.accessToken().expiresAt());
        assertTrue(grant.refreshToken().isEmpty());
    }

    @Test
    void clientSecretPostSendsTheCredentialsInTheBody() {
        upstream.answer(200, "{\"access_token\":\"at-1\",\"expires_in\":60}");

        issuer.issue(connection().withAuthMethod(ClientAuthMethod.CLIENT_SECRET_POST).withScopes().build());

        ScriptedUpstream.Request request = upstream.lastRequest();
        assertFalse(request.headers().containsKey("authorization"));
        assertEquals("grant_type=client_credentials&client_id=id+with%3Acolon&client_secret=s%26cret%3D1",
                request.body());
    }

    @Test
    void aRefreshTokenSelectsTheRefreshGrantAndARotatedOneIsReturnedWithItsExpiry() {
        upstream.answer(200, "{\"access_token\":\"at-2\",\"expires_in\":\"3600\",\"refresh_token\":\"rt-2\","
                + "\"x_refresh_token_expires_in\":8726400}");

        TokenGrant grant = issuer.issue(connection().withRefreshToken("rt-1").build());

        assertEquals("grant_type=refresh_token&refresh_token=rt-1&scope=read+write", upstream.lastRequest().body());
        assertEquals(Optional.of(Secret.of("rt-2")), grant.refreshToken());
        assertEquals(Optional.of(NOW.plusSeconds(8726400)), grant.refreshTokenExpiresAt());
    }

    @Test
    void anEpochInExpiresInIsNormalised() {
        upstream.answer(200, "{\"access_token\":\"at\",\"expires_in\":" + NOW.plusSeconds(1800).getEpochSecond() + "}");

        assertEquals(NOW.plusSeconds(1800), issuer.issue(connection().build()).accessToken().expiresAt());
    }

    @Test
    void noExpiryAtAllFallsBackToTheDefaultLifetime() {
        upstream.answer(200, "{\"access_token\":\"at\"}");

        assertEquals(NOW.plus(ExpiryRules.DEFAULT_LIFETIME), issuer.issue(connection().build()).accessToken().expiresAt());
    }

    @Test
    void anUnusableExpiryIsRejected() {
        upstream.answer(200, "{\"access_token\":\"at\",\"expires_in\":0}");

        assertRejected("invalid_expiry");
    }

    @Test
    void anOAuthErrorIsRejectedWithItsCodeAndWithoutItsDescription() {
        upstream.answer(400, "{\"error\":\"invalid_grant\",\"error_description\":\"token rt-secret-123 expired\"}");

        UpstreamException.Rejected rejected = assertRejected("invalid_grant");

        assertEquals(OptionalInt.of(400), rejected.status());
        assertFalse(rejected.getMessage().contains("rt-secret-123"));
    }

    @Test
    void anOddErrorCodeIsNotEchoed() {
        upstream.answer(401, "{\"error\":\"<script>alert(1)</script>\"}");

        assertRejected("http_401");
    }

    @Test
    void aServerErrorIsRetryableAndCarriesRetryAfter() {
        upstream.answer(503, "<html>down</html>", Map.of("Retry-After", "7"));

        UpstreamException.Unavailable unavailable = assertThrows(UpstreamException.Unavailable.class,
                () -> issuer.issue(connection().build()));

        assertTrue(unavailable.retryable());
        assertEquals(Optional.of(Duration.ofSeconds(7)), unavailable.retryAfter());
        assertEquals(OptionalInt.of(503), unavailable.status());
    }

    @Test
    void throttlingIsRetryable() {
        upstream.answer(429, "{}", Map.of("Retry-After", "Mon, 23 Nov 2026 10:00:30 GMT"));

        UpstreamException.Unavailable unavailable = assertThrows(UpstreamException.Unavailable.class,
                () -> issuer.issue(connection().build()));

        assertEquals(Optional.of(Duration.ofSeconds(30)), unavailable.retryAfter());
    }

    @Test
    void temporarilyUnavailableIsRetryableEvenAsA400() {
        upstream.answer(400, "{\"error\":\"temporarily_unavailable\"}");

        assertThrows(UpstreamException.Unavailable.class, () -> issuer.issue(connection().build()));
    }

    @Test
    void aSuccessThatIsNotJsonIsRejected() {
        upstream.answer(200, "<html>login page</html>");

        assertRejected("invalid_token_response");
    }

    @Test
    void aSuccessWithoutAnAccessTokenIsRejected() {
        upstream.answer(200, "{\"token_type\":\"bearer\",\"expires_in\":3600}");

        assertRejected("invalid_token_response");
    }

    @Test
    void anOversizedAnswerIsRejected() {
        upstream.answer(200, "{\"access_token\":\"" + "a".repeat(TokenEndpointClient.MAX_BODY_BYTES) + "\"}");

        assertRejected("response_too_large");
    }

    @Test
    void aSilentUpstreamTimesOutAsRetryable() {
        upstream.silent();
        OAuth2TokenIssuer impatient = issuerWithTimeout(Duration.ofMillis(300));

        UpstreamException.Unavailable unavailable = assertThrows(UpstreamException.Unavailable.class,
                () -> impatient.issue(connection().build()));

        assertEquals(Optional.of("timeout"), unavailable.errorCode());
    }

    @Test
    void anUnreachableUpstreamIsRetryable() {
        UpstreamException.Unavailable unavailable = assertThrows(UpstreamException.Unavailable.class,
                () -> issuer.issue(aConnection().withTokenUrl("http://127.0.0.1:9/token").build()));

        assertEquals(Optional.of("unreachable"), unavailable.errorCode());
    }

    private UpstreamException.Rejected assertRejected(String code) {
        UpstreamException.Rejected rejected = assertThrows(UpstreamException.Rejected.class,
                () -> issuer.issue(connection().build()));
        assertFalse(rejected.retryable());
        assertEquals(Optional.of(code), rejected.errorCode());
        assertFalse(rejected.getMessage().contains("s&cret=1"));
        return rejected;
    }
}
