package io.tokenbroker.domain.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ApiBaseUrlTest {

    private final ApiBaseUrl base = ApiBaseUrl.parse("https://api.example.com/v2/");

    @Test
    void appendsThePathAndQueryUnderTheBasePath() {
        assertEquals(URI.create("https://api.example.com/v2/orders/42?since=today&x=%20"),
                base.resolve("/orders/42", "since=today&x=%20"));
        assertEquals(URI.create("https://api.example.com/v2"), base.resolve("", null));
        assertEquals(URI.create("https://api.example.com/v2/a%20b/"), base.resolve("/a%20b/", null));
        assertEquals(URI.create("https://api.example.com/v2/a:b;c=d"), base.resolve("/a:b;c=d", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/../admin", "/a/../../b", "/%2e%2e/admin", "/%2E%2E", "/.%2e/x", "/.",
            "/a%2fb", "/a%2F..%2Fb", "/a%5cb", "/a\\b", "/@evil.example", "/a@b", "/a%40b", "//evil.example/x",
            "/a//b", "/%252e%252e/x", "/a%zz", "/a%2", "/a b", "/a%00b", "/a%0d%0ab", "relative", "/ä",
            "/a#frag", "/a?b"})
    void refusesEveryWayOutOfTheBase(String path) {
        assertThrows(IllegalArgumentException.class, () -> base.resolve(path, null), path);
    }

    @Test
    void refusesAQueryWithCharactersAQueryMayNotHold() {
        assertThrows(IllegalArgumentException.class, () -> base.resolve("/x", "a=b c"));
        assertThrows(IllegalArgumentException.class, () -> base.resolve("/x", "a=b#c"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://api.example.com", "/relative", "https://user:pw@api.example.com",
            "https://api.example.com/v2?x=1", "https://api.example.com/#f", "https://api.example.com/a/../b",
            "https://api.example.com//x", "https:///nohost", "not a url"})
    void refusesABaseThatIsNotAPlainHttpUrl(String value) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ApiBaseUrl.parse(value));
        assertTrue(refused.getMessage().startsWith("api_base_url"), refused.getMessage());
    }

    @Test
    void everyProviderAcceptsItAsASettingAndTheEgressCheckSeesIt() {
        Connection connection = new Connection(ConnectionKey.of("acme", "crm"), ProviderType.OAUTH2,
                URI.create("https://login.example.com/token"), Optional.of("id"), Optional.of(Secret.of("s")),
                List.of(), ClientAuthMethod.CLIENT_SECRET_BASIC, Optional.empty(),
                Map.of("api_base_url", "https://api.example.com/v2"));

        assertEquals(Optional.of(URI.create("https://api.example.com/v2")),
                connection.apiBaseUrl().map(ApiBaseUrl::uri));
        assertEquals(URI.create("https://api.example.com/v2"), connection.outboundUrls().get("api_base_url"));
        assertThrows(IllegalArgumentException.class, () -> new Connection(ConnectionKey.of("acme", "crm"),
                ProviderType.OAUTH2, URI.create("https://login.example.com/token"), Optional.of("id"),
                Optional.of(Secret.of("s")), List.of(), ClientAuthMethod.CLIENT_SECRET_BASIC, Optional.empty(),
                Map.of("api_base_url", "https://api.example.com/../x")));
    }
}
