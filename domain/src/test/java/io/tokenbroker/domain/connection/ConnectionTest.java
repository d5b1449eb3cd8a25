package io.tokenbroker.domain.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectionTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "quickbooks-eu");
    private static final URI TOKEN_URL = URI.create("https://idp.example/oauth2/token");

    private static Connection connection(URI tokenUrl, String clientId, List<String> scopes) {
        return new Connection(KEY, ProviderType.OAUTH2, tokenUrl, clientId, Secret.of("client-secret"), scopes,
                ClientAuthMethod.CLIENT_SECRET_BASIC, Optional.empty());
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
            assertEquals("client-1", c.clientId());
            assertEquals(Secret.of("client-secret"), c.clientSecret());
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

        @ParameterizedTest(name = "client id \"{0}\"")
        @NullAndEmptySource
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
            Secret secret = Secret.of("s");
            List<String> scopes = List.of();
            ClientAuthMethod basic = ClientAuthMethod.CLIENT_SECRET_BASIC;
            assertThrows(NullPointerException.class, () -> new Connection(null, ProviderType.OAUTH2, TOKEN_URL,
                    "c", secret, scopes, basic, Optional.empty()));
            assertThrows(NullPointerException.class, () -> new Connection(KEY, null, TOKEN_URL,
                    "c", secret, scopes, basic, Optional.empty()));
            assertThrows(NullPointerException.class, () -> new Connection(KEY, ProviderType.OAUTH2, null,
                    "c", secret, scopes, basic, Optional.empty()));
            assertThrows(NullPointerException.class, () -> new Connection(KEY, ProviderType.OAUTH2, TOKEN_URL,
                    "c", null, scopes, basic, Optional.empty()));
            assertThrows(NullPointerException.class, () -> new Connection(KEY, ProviderType.OAUTH2, TOKEN_URL,
                    "c", secret, scopes, null, Optional.empty()));
            assertThrows(NullPointerException.class, () -> new Connection(KEY, ProviderType.OAUTH2, TOKEN_URL,
                    "c", secret, scopes, basic, null));
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
