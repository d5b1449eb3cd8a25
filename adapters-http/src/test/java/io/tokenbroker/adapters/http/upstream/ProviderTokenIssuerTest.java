package io.tokenbroker.adapters.http.upstream;

import static io.tokenbroker.application.testing.ConnectionTestData.aConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.json.JsonMapper;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.token.ExpiryRules;
import io.tokenbroker.domain.token.TokenGrant;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each provider type against a local emulator that speaks its documented request and response shapes: method,
 * path, headers and body encoding are checked on what actually crossed the wire.
 */
class ProviderTokenIssuerTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private ScriptedUpstream upstream;
    private ProviderTokenIssuer issuer;

    @BeforeEach
    void start() throws IOException {
        upstream = new ScriptedUpstream();
        issuer = new ProviderTokenIssuer(new TokenEndpointClient(TokenEndpointClient.httpClient(Duration.ofSeconds(5)),
                JsonMapper.createDefault(), CLOCK, ExpiryRules.defaults(), Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @ParameterizedTest
    @EnumSource(ProviderType.class)
    void everyProviderTypeHasAnIssuer(ProviderType type) {
        upstream.answer(200, "{\"access_token\":\"at\",\"token\":\"at\",\"expires_in\":60}");
        Connection connection = aConnection().withProvider(type).withTokenUrl(upstream.url("/any"))
                .withRefreshToken(type == ProviderType.QUICKBOOKS ? "rt" : null).withSettings(Map.of()).build();

        assertEquals("at", issuer.issue(connection).accessToken().value());
    }

    private static String decodedBasic(ScriptedUpstream.Request request) {
        return new String(Base64.getDecoder().decode(request.headers().get("authorization").substring(6)),
                StandardCharsets.UTF_8);
    }

    @Nested
    class QPay {

        private final long epochIn1h = NOW.plusSeconds(3600).getEpochSecond();
        private final long epochIn2h = NOW.plusSeconds(7200).getEpochSecond();

        private Connection qpay(String refreshToken) {
            return aConnection().withProvider(ProviderType.QPAY).withTokenUrl(upstream.url("/v2/auth/token"))
                    .withClientId("MERCHANT").withClientSecret("p@ss:word").withScopes()
                    .withRefreshToken(refreshToken).build();
        }

        @Test
        void theFirstTokenIsABasicAuthenticatedPostWithoutBody() {
            upstream.answerAt("/v2/auth/token", 200, "{\"token_type\":\"bearer\",\"access_token\":\"qat-1\","
                    + "\"expires_in\":" + epochIn1h + ",\"refresh_token\":\"qrt-1\",\"refresh_expires_in\":" + epochIn2h
                    + ",\"scope\":\"default\",\"not-before-policy\":\"0\"}");

            TokenGrant grant = issuer.issue(qpay(null));

            ScriptedUpstream.Request request = upstream.lastRequest();
            assertEquals("POST", request.method());
            assertEquals("/v2/auth/token", request.path());
            assertEquals("MERCHANT:p@ss:word", decodedBasic(request));
            assertEquals("", request.body());
            assertEquals(NOW.plusSeconds(3600), grant.accessToken().expiresAt(), "expires_in read as an epoch");
            assertEquals(Optional.of(Secret.of("qrt-1")), grant.refreshToken());
            assertEquals(Optional.of(NOW.plusSeconds(7200)), grant.refreshTokenExpiresAt());
        }

        @Test
        void aRefreshUsesTheRefreshTokenAsBearerAtTheRefreshEndpoint() {
            upstream.answerAt("/v2/auth/refresh", 200, "{\"access_token\":\"qat-2\",\"expires_in\":3600,"
                    + "\"refresh_token\":\"qrt-2\",\"refresh_expires_in\":7200}");

            TokenGrant grant = issuer.issue(qpay("qrt-1"));

            ScriptedUpstream.Request request = upstream.lastRequest();
            assertEquals("POST", request.method());
            assertEquals("/v2/auth/refresh", request.path());
            assertEquals("Bearer qrt-1", request.headers().get("authorization"));
            assertEquals(NOW.plusSeconds(3600), grant.accessToken().expiresAt(), "expires_in read as a duration");
            assertEquals(Optional.of(Secret.of("qrt-2")), grant.refreshToken());
        }

        @Test
        void aRefusedRefreshFallsBackToAFreshToken() {
            upstream.answerAt("/v2/auth/refresh", 401, "{\"error\":\"invalid_token\"}");
            upstream.answerAt("/v2/auth/token", 200, "{\"access_token\":\"qat-3\",\"expires_in\":3600,"
                    + "\"refresh_token\":\"qrt-3\"}");

            TokenGrant grant = issuer.issue(qpay("qrt-expired"));

            List<ScriptedUpstream.Request> requests = upstream.requests();
            assertEquals(List.of("/v2/auth/refresh", "/v2/auth/token"),
                    requests.stream().map(ScriptedUpstream.Request::path).toList());
            assertEquals("qat-3", grant.accessToken().value());
        }

        @Test
        void anUnavailableRefreshIsNotPaperedOverWithATokenRequest() {
            upstream.answerAt("/v2/auth/refresh", 503, "{}");

            assertThrows(UpstreamException.Unavailable.class, () -> issuer.issue(qpay("qrt-1")));
            assertEquals(1, upstream.requests().size());
        }

        @Test
        void theRefreshEndpointSitsBesideTheTokenEndpoint() {
            assertEquals(URI.create("https://merchant.qpay.mn/v2/auth/refresh"),
                    QPayTokenIssuer.refreshUrl(URI.create("https://merchant.qpay.mn/v2/auth/token")));
        }
    }

    @Nested
    class QuickBooks {

        private Connection quickbooks() {
            return aConnection().withProvider(ProviderType.QUICKBOOKS).withTokenUrl(upstream.url("/oauth2/v1/tokens/bearer"))
                    .withClientId("ABc123").withClientSecret("qb-secret").withScopes()
                    .withRefreshToken("AB11-first").withSettings(Map.of("realm_id", "9130347")).build();
        }

        @Test
        void refreshesWithBasicAuthAndReturnsTheRotatedRefreshTokenWithItsExpiry() {
            upstream.answer(200, "{\"token_type\":\"bearer\",\"access_token\":\"eyJqb.at\",\"expires_in\":3600,"
                    + "\"refresh_token\":\"AB11-second\",\"x_refresh_token_expires_in\":8726400}");

            TokenGrant grant = issuer.issue(quickbooks());

            ScriptedUpstream.Request request = upstream.lastRequest();
            assertEquals("/oauth2/v1/tokens/bearer", request.path());
            assertEquals("ABc123:qb-secret", decodedBasic(request));
            assertEquals("application/json", request.headers().get("accept"));
            assertEquals("grant_type=refresh_token&refresh_token=AB11-first", request.body());
            assertEquals(Optional.of(Secret.of("AB11-second")), grant.refreshToken());
            assertEquals(Optional.of(NOW.plusSeconds(8726400)), grant.refreshTokenExpiresAt());
        }

        @Test
        void invalidGrantIsRejectedNotRetried() {
            upstream.answer(400, "{\"error\":\"invalid_grant\"}");

            UpstreamException.Rejected rejected = assertThrows(UpstreamException.Rejected.class,
                    () -> issuer.issue(quickbooks()));
            assertEquals(Optional.of("invalid_grant"), rejected.errorCode());
            assertFalse(rejected.getMessage().contains("AB11-first"));
        }
    }

    @Nested
    class Genesys {

        @Test
        void clientCredentialsWithBasicAuth() {
            upstream.answer(200, "{\"access_token\":\"gen-at\",\"token_type\":\"bearer\",\"expires_in\":86399}");

            TokenGrant grant = issuer.issue(aConnection().withProvider(ProviderType.GENESYS)
                    .withTokenUrl(upstream.url("/oauth/token")).withClientId("gc-client").withClientSecret("gc-secret")
                    .withScopes().withSettings(Map.of("region", "mypurecloud.ie")).build());

            ScriptedUpstream.Request request = upstream.lastRequest();
            assertEquals("/oauth/token", request.path());
            assertEquals("gc-client:gc-secret", decodedBasic(request));
            assertEquals("grant_type=client_credentials", request.body());
            assertEquals(NOW.plusSeconds(86399), grant.accessToken().expiresAt());
        }
    }

    @Nested
    class Ebay {

        private static final String SCOPE = "https://api.ebay.com/oauth/api_scope";
        private static final String SELL = "https://api.ebay.com/oauth/api_scope/sell.inventory";

        @Test
        void anApplicationTokenAsksForSpaceSeparatedScopeUrls() {
            upstream.answer(200, "{\"access_token\":\"v^1.1#i^1\",\"expires_in\":7200,"
                    + "\"token_type\":\"Application Access Token\"}");

            TokenGrant grant = issuer.issue(aConnection().withProvider(ProviderType.EBAY)
                    .withTokenUrl(upstream.url("/identity/v1/oauth2/token")).withScopes(SCOPE, SELL)
                    .withSettings(Map.of("environment", "sandbox")).build());

            assertEquals("grant_type=client_credentials&scope=https%3A%2F%2Fapi.ebay.com%2Foauth%2Fapi_scope+"
                    + "https%3A%2F%2Fapi.ebay.com%2Foauth%2Fapi_scope%2Fsell.inventory", upstream.lastRequest().body());
            assertEquals("v^1.1#i^1", grant.accessToken().value());
        }

        @Test
        void aUserTokenUsesTheRefreshTokenGrant() {
            upstream.answer(200, "{\"access_token\":\"v^1.1#user\",\"expires_in\":7200,\"token_type\":\"User Access Token\"}");

            TokenGrant grant = issuer.issue(aConnection().withProvider(ProviderType.EBAY)
                    .withTokenUrl(upstream.url("/identity/v1/oauth2/token")).withScopes(SELL)
                    .withRefreshToken("v^1.1#r^1").build());

            assertTrue(upstream.lastRequest().body().startsWith("grant_type=refresh_token&refresh_token=v%5E1.1%23r%5E1"));
            assertTrue(grant.refreshToken().isEmpty(), "eBay does not rotate: the stored refresh token stays");
        }
    }

    @Nested
    class AuthService {

        private Connection internal(Map<String, String> settings) {
            return aConnection().withProvider(ProviderType.AUTH_SERVICE).withTokenUrl(upstream.url("/auth/token"))
                    .withoutClientCredentials().withScopes().withSettings(settings).build();
        }

        @Test
        void aGetWithTheTenantHeaderAndABareTokenTakesTheDefaultLifetime() {
            upstream.answer(200, "{\"token\":\"internal-1\"}");

            TokenGrant grant = issuer.issue(internal(Map.of()));

            ScriptedUpstream.Request request = upstream.lastRequest();
            assertEquals("GET", request.method());
            assertEquals("acme", request.headers().get("x-tenant-id"));
            assertFalse(request.headers().containsKey("authorization"));
            assertEquals("internal-1", grant.accessToken().value());
            assertEquals(NOW.plus(ExpiryRules.DEFAULT_LIFETIME), grant.accessToken().expiresAt());
        }

        @Test
        void aConfiguredHeaderAndAStandardOAuthBody() {
            upstream.answer(200, "{\"access_token\":\"internal-2\",\"expires_in\":600,\"token_type\":\"Bearer\"}");

            TokenGrant grant = issuer.issue(internal(Map.of("tenant_header", "X-Org")));

            assertEquals("acme", upstream.lastRequest().headers().get("x-org"));
            assertEquals(NOW.plusSeconds(600), grant.accessToken().expiresAt());
        }
    }

    @Nested
    class GenericOAuth2 {

        @Test
        void audienceResourceAndExtraFieldsAreSent() {
            upstream.answer(200, "{\"access_token\":\"at\",\"expires_in\":60}");

            issuer.issue(aConnection().withTokenUrl(upstream.url("/token")).withScopes()
                    .withSettings(Map.of("audience", "https://api.example", "resource", "urn:x",
                            "param.tenant_hint", "eu")).build());

            assertEquals("grant_type=client_credentials&audience=https%3A%2F%2Fapi.example&resource=urn%3Ax"
                    + "&tenant_hint=eu", upstream.lastRequest().body());
        }
    }
}
