package io.tokenbroker.domain.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenbroker.domain.egress.SavedBy;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A refused URL is reported under the request field the caller actually wrote. */
class OutboundUrlsTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");

    private static Connection connection(ProviderType type, Optional<URI> tokenUrl, Map<String, String> settings) {
        boolean credentials = type.needsClientCredentials();
        return new Connection(KEY, type, type.tokenUrl(tokenUrl, settings),
                credentials ? Optional.of("id") : Optional.empty(),
                credentials ? Optional.of(Secret.of("secret")) : Optional.empty(), List.of(),
                ClientAuthMethod.CLIENT_SECRET_BASIC,
                type.needsRefreshToken() ? Optional.of(Secret.of("rt")) : Optional.empty(), settings,
                SavedBy.TENANT);
    }

    private static String fieldOf(Connection connection) {
        return connection.outboundUrls().keySet().iterator().next();
    }

    @Test
    void aTokenUrlGivenItselfIsNamedTokenUrl() {
        assertEquals("token_url", fieldOf(connection(ProviderType.OAUTH2,
                Optional.of(URI.create("https://idp.test/token")), Map.of())));
        assertEquals("token_url", fieldOf(connection(ProviderType.AUTH_SERVICE,
                Optional.of(URI.create("https://other.test/token")), Map.of("url", "https://auth.test/token"))));
    }

    @Test
    void aTokenUrlBuiltFromASettingIsNamedByThatSetting() {
        assertEquals("url", fieldOf(connection(ProviderType.AUTH_SERVICE, Optional.empty(),
                Map.of("url", "http://auth-service.internal/token"))));
        assertEquals("base_url", fieldOf(connection(ProviderType.QPAY, Optional.empty(),
                Map.of("base_url", "http://qpay.internal"))));
        assertEquals("region", fieldOf(connection(ProviderType.GENESYS, Optional.empty(),
                Map.of("region", "mypurecloud.ie"))));
    }

    @Test
    void aBuiltInDefaultIsCheckedAsTheTokenUrl() {
        Connection quickbooks = connection(ProviderType.QUICKBOOKS, Optional.empty(), Map.of());
        Connection qpay = connection(ProviderType.QPAY, Optional.empty(), Map.of());

        assertEquals(Map.of("token_url", quickbooks.tokenUrl()), quickbooks.outboundUrls());
        assertEquals(Map.of("token_url", URI.create("https://merchant.qpay.mn/v2/auth/token")), qpay.outboundUrls());
    }

    @Test
    void whoSavedItSurvivesARotation() {
        Connection saved = connection(ProviderType.OAUTH2, Optional.of(URI.create("https://idp.test/t")), Map.of());

        assertEquals(SavedBy.TENANT, saved.withRefreshToken(Secret.of("rotated")).savedBy());
        assertEquals(SavedBy.OPERATOR, saved.savedBy(SavedBy.OPERATOR).savedBy());
    }
}
