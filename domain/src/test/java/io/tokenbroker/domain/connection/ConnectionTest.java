package io.tokenbroker.domain.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectionTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "quickbooks-eu");
    private static final URI TOKEN_URL = URI.create("https://idp.example/oauth2/token");

    private static Connection connection(URI tokenUrl, String clientId, List<String> scopes) {
        return new Connection(KEY, ProviderType.OAUTH2, tokenUrl, Optional.ofNullable(clientId),
                Optional.of(Secret.of("client-secret")), scopes, ClientAuthMethod.CLIENT_SECRET_BASIC, Optional.empty(),
                Map.of());
    }

    private static Connection valid() {
        return connection(TOKEN_URL, "client-1", List.of("read", "write"));
    }

    @Nested
    class Construction {

        @Test
        void acceptsAValidConnection() {
            Connection c = valid();
            assertEquals(KEY, c.key());
            assertEquals(ProviderType.OAUTH2, c.provider());
            assertEquals(TOKEN_URL, c.tokenUrl());
            assertEquals(Optional.of("client-1"), c.clientId());
            assertEquals(Optional.of(Secret.of("client-secret")), c.clientSecret());
            assertEquals(Map.of(), c.settings());
            assertEquals(List.of("read", "write"), c.scopes());
            assertEquals(ClientAuthMethod.CLIENT_SECRET_BASIC, c.authMethod());
            assertEquals(Optional.empty(), c.refreshToken());
        }

        @Test
        void acceptsPlainHttpTokenUrl() {
            URI http = URI.create("http://localhost:8080/token");
            assertEquals(http, connection(http, "client-1", List.of()).tokenUrl());
        }

        @Test
        void acceptsAnUpperCaseScheme() {
            URI upper = URI.create("HTTPS://idp.example/token");
            assertEquals(upper, connection(upper, "client-1", List.of()).tokenUrl());
        }

        @Test
        void acceptsNoScopes() {
            assertEquals(List.of(), connection(TOKEN_URL, "client-1", List.of()).scopes());
        }

        @Test
        void acceptsUrnAndUrlScopes() {
            List<String> scopes = List.of("openid", "com.intuit.quickbooks.accounting", "https://api.example/read");
            assertEquals(scopes, connection(TOKEN_URL, "client-1", scopes).scopes());
        }

        @Test
        void scopesAreCopiedDefensively() {
            List<String> scopes = new ArrayList<>(List.of("read"));
            Connection c = connection(TOKEN_URL, "client-1", scopes);
            scopes.add("admin");
            assertEquals(List.of("read"), c.scopes());
            assertThrows(UnsupportedOperationException.class, () -> c.scopes().add("admin"));
        }
    }

    @Nested
    class Rejections {

        @Test
        void rejectsAMissingClientIdWhereTheProviderNeedsOne() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> connection(TOKEN_URL, null, List.of()));
            assertEquals("client_id and client_secret are required for provider oauth2", e.getMessage());
        }

        @ParameterizedTest(name = "client id \"{0}\"")
        @EmptySource
        @ValueSource(strings = {" ", "   ", "\t", "\n"})
        void rejectsBlankClientId(String clientId) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> connection(TOKEN_URL, clientId, List.of()));
            assertEquals("client_id must not be blank", e.getMessage());
        }

        @ParameterizedTest(name = "token url \"{0}\"")
        @ValueSource(strings = {"/oauth2/token", "oauth2/token", "//idp.example/token", "idp.example/token"})
        void rejectsRelativeTokenUrl(String url) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> connection(URI.create(url), "client-1", List.of()));
            assertEquals("token_url must be an absolute http(s) URL", e.getMessage());
        }

        @ParameterizedTest(name = "token url \"{0}\"")
        @ValueSource(strings = {"ftp://idp.example/token", "file:///etc/passwd", "ws://idp.example/token",
                "mailto:ops@idp.example", "javascript:alert(1)", "ldap://idp.example", "https:///no-host"})
        void rejectsNonHttpSchemes(String url) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> connection(URI.create(url), "client-1", List.of()));
            assertEquals("token_url must be an absolute http(s) URL", e.getMessage());
        }

        @ParameterizedTest(name = "scope \"{0}\"")
        @ValueSource(strings = {"read write", " read", "read ", "read\twrite", "read\nwrite", "", " ", "read\u2003x"})
        void rejectsScopeThatIsNotOneWord(String scope) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> connection(TOKEN_URL, "client-1", List.of("openid", scope)));
            assertEquals("a scope must be one non-blank word", e.getMessage());
        }

        @Test
        void rejectsNullScopeElement() {
            assertThrows(NullPointerException.class,
                    () -> connection(TOKEN_URL, "client-1", Arrays.asList("read", null)));
        }

        @Test
        void rejectsNullScopes() {
            assertThrows(NullPointerException.class, () -> connection(TOKEN_URL, "client-1", null));
        }

        @Test
        void rejectsNullComponents() {
            Optional<Secret> secret = Optional.of(Secret.of("s"));
            Optional<String> id = Optional.of("c");
            List<String> scopes = List.of();
            ClientAuthMethod basic = ClientAuthMethod.CLIENT_SECRET_BASIC;
            Map<String, String> none = Map.of();
            assertThrows(NullPointerException.class, () -> new Connection(null, ProviderType.OAUTH2, TOKEN_URL,
                    id, secret, scopes, basic, Optional.empty(), none));
            assertThrows(NullPointerException.class, () -> new Connection(KEY, null, TOKEN_URL,
                    id, secret, scopes, basic, Optional.empty(), none));
            assertThrows(NullPointerException.class, () -> new Connection(KEY, ProviderType.OAUTH2, null,
                    id, secret, scopes, basic, Optional.empty(), none));
            assertThrows(NullPointerException.class, () -> new Connection(KEY, ProviderType.OAUTH2, TOKEN_URL,
                    id, null, scopes, basic, Optional.empty(), none));
            assertThrows(NullPointerException.class, () -> new Connection(KEY, ProviderType.OAUTH2, TOKEN_URL,
                    id, secret, scopes, null, Optional.empty(), none));
            assertThrows(NullPointerException.class, () -> new Connection(KEY, ProviderType.OAUTH2, TOKEN_URL,
                    id, secret, scopes, basic, null, none));
            assertThrows(NullPointerException.class, () -> new Connection(KEY, ProviderType.OAUTH2, TOKEN_URL,
                    id, secret, scopes, basic, Optional.empty(), null));
        }
    }

    @Nested
    class Providers {

        private Connection of(ProviderType type, Optional<String> clientId, Optional<Secret> refreshToken,
                              Map<String, String> settings) {
            return new Connection(KEY, type, type.tokenUrl(Optional.empty(), settings), clientId,
                    clientId.map(id -> Secret.of("secret")), List.of(), ClientAuthMethod.CLIENT_SECRET_BASIC,
                    refreshToken, settings);
        }

        @Test
        void eachProviderResolvesItsDocumentedTokenEndpoint() {
            Optional<String> id = Optional.of("c");
            assertEquals(URI.create("https://merchant.qpay.mn/v2/auth/token"),
                    of(ProviderType.QPAY, id, Optional.empty(), Map.of()).tokenUrl());
            assertEquals(URI.create("https://merchant-sandbox.qpay.mn/v2/auth/token"), of(ProviderType.QPAY, id,
                    Optional.empty(), Map.of("base_url", "https://merchant-sandbox.qpay.mn/")).tokenUrl());
            assertEquals(URI.create("https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"),
                    of(ProviderType.QUICKBOOKS, id, Optional.of(Secret.of("rt")), Map.of("realm_id", "9130")).tokenUrl());
            assertEquals(URI.create("https://login.mypurecloud.ie/oauth/token"),
                    of(ProviderType.GENESYS, id, Optional.empty(), Map.of("region", "mypurecloud.ie")).tokenUrl());
            assertEquals(URI.create("https://api.ebay.com/identity/v1/oauth2/token"),
                    of(ProviderType.EBAY, id, Optional.empty(), Map.of()).tokenUrl());
            assertEquals(URI.create("https://api.sandbox.ebay.com/identity/v1/oauth2/token"),
                    of(ProviderType.EBAY, id, Optional.empty(), Map.of("environment", "sandbox")).tokenUrl());
            assertEquals(URI.create("http://auth.internal:8080/auth/token"), of(ProviderType.AUTH_SERVICE,
                    Optional.empty(), Optional.empty(), Map.of("url", "http://auth.internal:8080/auth/token")).tokenUrl());
        }

        @Test
        void aTokenUrlOverridesTheDefaultEndpoint() {
            URI mine = URI.create("http://127.0.0.1:8089/oauth/token");
            assertEquals(mine, ProviderType.QUICKBOOKS.tokenUrl(Optional.of(mine), Map.of()));
        }

        @Test
        void missingOrMalformedSettingsAreRefusedByName() {
            assertEquals("token_url is required for provider oauth2", assertThrows(IllegalArgumentException.class,
                    () -> ProviderType.OAUTH2.tokenUrl(Optional.empty(), Map.of())).getMessage());
            assertEquals("region (e.g. mypurecloud.com) is required for provider genesys",
                    assertThrows(IllegalArgumentException.class,
                            () -> ProviderType.GENESYS.tokenUrl(Optional.empty(), Map.of())).getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> ProviderType.GENESYS.tokenUrl(Optional.empty(), Map.of("region", "evil.com/x?")));
            assertThrows(IllegalArgumentException.class,
                    () -> ProviderType.EBAY.tokenUrl(Optional.empty(), Map.of("environment", "staging")));
            assertThrows(IllegalArgumentException.class,
                    () -> ProviderType.AUTH_SERVICE.tokenUrl(Optional.empty(), Map.of("url", "ftp://x/y")));
        }

        @Test
        void quickbooksWithoutTheRefreshTokenFromTheConsentAwaitsConnect() {
            // Issue 14: QuickBooks may be saved before the consent; the connect flow brings the refresh token.
            Connection unconsented = of(ProviderType.QUICKBOOKS, Optional.of("c"), Optional.empty(), Map.of());
            assertTrue(unconsented.awaitsConnect());
            assertEquals(Grant.AUTHORIZATION_CODE, unconsented.grant());
        }

        @Test
        void anAuthServiceNeedsNoClientCredentials() {
            Connection internal = of(ProviderType.AUTH_SERVICE, Optional.empty(), Optional.empty(),
                    Map.of("url", "http://auth:8080/token", "tenant_header", "X-Org"));
            assertEquals(Optional.of("X-Org"), internal.setting("tenant_header"));
        }

        @Test
        void aSettingOfAnotherProviderIsRefused() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> of(ProviderType.GENESYS,
                    Optional.of("c"), Optional.empty(), Map.of("region", "mypurecloud.com", "realm_id", "1")));
            assertEquals("provider genesys does not accept the setting realm_id", e.getMessage());
        }

        @Test
        void extraFormParametersAreForOauth2OnlyAndCannotForgeTheGrant() {
            Connection oauth2 = new Connection(KEY, ProviderType.OAUTH2, TOKEN_URL, Optional.of("c"),
                    Optional.of(Secret.of("s")), List.of(), ClientAuthMethod.CLIENT_SECRET_BASIC, Optional.empty(),
                    Map.of("audience", "https://api.example", "param.tenant_hint", "eu"));
            assertEquals(Map.of("tenant_hint", "eu"), oauth2.formParameters());
            assertEquals(Optional.of("https://api.example"), oauth2.setting("audience"));
            assertThrows(IllegalArgumentException.class, () -> new Connection(KEY, ProviderType.OAUTH2, TOKEN_URL,
                    Optional.of("c"), Optional.of(Secret.of("s")), List.of(), ClientAuthMethod.CLIENT_SECRET_BASIC,
                    Optional.empty(), Map.of("param.grant_type", "password")));
            assertThrows(IllegalArgumentException.class, () -> of(ProviderType.EBAY, Optional.of("c"),
                    Optional.empty(), Map.of("param.x", "y")));
        }

        @Test
        void settingValuesAreBounded() {
            assertThrows(IllegalArgumentException.class, () -> of(ProviderType.QUICKBOOKS, Optional.of("c"),
                    Optional.of(Secret.of("rt")), Map.of("realm_id", "9".repeat(513))));
            assertThrows(IllegalArgumentException.class, () -> of(ProviderType.QUICKBOOKS, Optional.of("c"),
                    Optional.of(Secret.of("rt")), Map.of("realm_id", " ")));
        }
    }

    @Nested
    class WithRefreshToken {

        @Test
        void setsTheRotatedRefreshToken() {
            Connection rotated = valid().withRefreshToken(Secret.of("rt-2"));
            assertEquals(Optional.of(Secret.of("rt-2")), rotated.refreshToken());
        }

        @Test
        void replacesAnExistingRefreshToken() {
            Connection original = valid().withRefreshToken(Secret.of("rt-1"));
            Connection rotated = original.withRefreshToken(Secret.of("rt-2"));
            assertEquals(Optional.of(Secret.of("rt-1")), original.refreshToken());
            assertEquals(Optional.of(Secret.of("rt-2")), rotated.refreshToken());
        }

        @Test
        void keepsEveryOtherField() {
            Connection original = valid();
            Connection rotated = original.withRefreshToken(Secret.of("rt-2"));
            assertNotSame(original, rotated);
            assertEquals(original.key(), rotated.key());
            assertEquals(original.provider(), rotated.provider());
            assertEquals(original.tokenUrl(), rotated.tokenUrl());
            assertEquals(original.clientId(), rotated.clientId());
            assertEquals(original.clientSecret(), rotated.clientSecret());
            assertEquals(original.scopes(), rotated.scopes());
            assertEquals(original.authMethod(), rotated.authMethod());
        }

        @Test
        void leavesTheOriginalUntouched() {
            Connection original = valid();
            original.withRefreshToken(Secret.of("rt-2"));
            assertTrue(original.refreshToken().isEmpty());
        }

        @Test
        void rejectsNull() {
            assertThrows(NullPointerException.class, () -> valid().withRefreshToken(null));
        }
    }
}
