package io.tokenbroker.domain.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The grant mode and the connect flow's settings (issue 14, items 1 and 2). */
class ConsentSettingsTest {

    private static final ConnectionKey KEY = ConnectionKey.of("acme", "crm");

    private static Connection of(ProviderType type, Optional<Secret> refreshToken, Map<String, String> settings) {
        return new Connection(KEY, type, type.tokenUrl(Optional.empty(), settings), Optional.of("client"),
                Optional.of(Secret.of("secret")), List.of(), ClientAuthMethod.CLIENT_SECRET_BASIC, refreshToken,
                settings);
    }

    private static Connection oauth2(Map<String, String> settings) {
        return new Connection(KEY, ProviderType.OAUTH2, URI.create("https://idp.test/token"), Optional.of("client"),
                Optional.of(Secret.of("secret")), List.of(), ClientAuthMethod.CLIENT_SECRET_BASIC, Optional.empty(),
                settings);
    }

    private static String refusal(Runnable build) {
        return assertThrows(IllegalArgumentException.class, build::run).getMessage();
    }

    @Test
    void clientCredentialsStaysTheDefaultAndNeverAwaitsConnect() {
        Connection plain = oauth2(Map.of());
        assertEquals(Grant.CLIENT_CREDENTIALS, plain.grant());
        assertFalse(plain.awaitsConnect());
        assertEquals(Optional.empty(), plain.authorizationUrl());
        assertEquals(List.of("token_url"), List.copyOf(plain.outboundUrls().keySet()));
    }

    @Test
    void anAuthorizationCodeConnectionNeedsAnAuthorizeEndpointAndAwaitsConnect() {
        assertEquals("authorization_url is required for an authorization_code connection of provider oauth2",
                refusal(() -> oauth2(Map.of("grant", "authorization_code"))));
        Connection consent = oauth2(Map.of("grant", "authorization_code",
                "authorization_url", "https://idp.test/authorize", "authorize.prompt", "consent"));
        assertTrue(consent.awaitsConnect());
        assertEquals(Map.of("prompt", "consent"), consent.authorizeParameters());
        // The egress check at save covers where the broker sends users, too.
        assertEquals(URI.create("https://idp.test/authorize"), consent.outboundUrls().get("authorization_url"));
    }

    @Test
    void malformedOrMisplacedConsentSettingsAreRefusedByName() {
        assertEquals("grant must be one of: authorization_code, client_credentials for provider oauth2",
                refusal(() -> oauth2(Map.of("grant", "password"))));
        assertEquals("provider qpay does not accept the setting grant",
                refusal(() -> of(ProviderType.QPAY, Optional.empty(), Map.of("grant", "authorization_code"))));
        assertEquals("grant must be one of: authorization_code for provider quickbooks",
                refusal(() -> of(ProviderType.QUICKBOOKS, Optional.empty(), Map.of("grant", "client_credentials"))));
        assertEquals("authorization_url, authorize_params and ru_name need grant authorization_code",
                refusal(() -> oauth2(Map.of("authorization_url", "https://idp.test/authorize"))));
        assertEquals("authorize_params must not set redirect_uri", refusal(() -> oauth2(Map.of("grant",
                "authorization_code", "authorization_url", "https://idp.test/a", "authorize.redirect_uri", "x"))));
        assertEquals("provider auth-service does not accept authorize_params", refusal(() -> new Connection(KEY,
                ProviderType.AUTH_SERVICE, URI.create("https://auth.test/t"), Optional.empty(), Optional.empty(),
                List.of(), ClientAuthMethod.CLIENT_SECRET_BASIC, Optional.empty(), Map.of("authorize.a", "b"))));
        assertEquals("authorization_url must be an absolute http(s) URL without a fragment", refusal(() ->
                oauth2(Map.of("grant", "authorization_code", "authorization_url", "javascript:alert(1)"))));
        assertEquals("authorization_url must be https (http only for a loopback host)", refusal(() ->
                oauth2(Map.of("grant", "authorization_code", "authorization_url", "http://idp.test/authorize"))));
        assertEquals(Optional.of(URI.create("http://localhost:8089/authorize")), oauth2(Map.of("grant",
                "authorization_code", "authorization_url", "http://localhost:8089/authorize")).authorizationUrl());
    }

    @Test
    void providersKnowTheirAuthorizeEndpointsAndAnOverrideWins() {
        assertEquals(Optional.of(URI.create("https://appcenter.intuit.com/connect/oauth2")),
                of(ProviderType.QUICKBOOKS, Optional.empty(), Map.of()).authorizationUrl());
        assertEquals(Optional.of(URI.create("https://login.mypurecloud.ie/oauth/authorize")),
                of(ProviderType.GENESYS, Optional.empty(), Map.of("region", "mypurecloud.ie",
                        "grant", "authorization_code")).authorizationUrl());
        assertEquals(Optional.of(URI.create("https://auth.sandbox.ebay.com/oauth2/authorize")),
                of(ProviderType.EBAY, Optional.empty(), Map.of("environment", "sandbox",
                        "grant", "authorization_code", "ru_name", "Acme-Broker-PRD")).authorizationUrl());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:9/authorize")),
                of(ProviderType.QUICKBOOKS, Optional.empty(), Map.of("authorization_url",
                        "http://127.0.0.1:9/authorize")).authorizationUrl());
        assertEquals("ru_name (the RuName eBay redirects to) is required for an authorization_code connection of "
                + "provider ebay", refusal(() -> of(ProviderType.EBAY, Optional.empty(),
                Map.of("grant", "authorization_code"))));
    }

    @Test
    void onlyProvidersWithAConsentGrantSupportConnect() {
        assertTrue(ProviderType.OAUTH2.supportsConnect());
        assertTrue(ProviderType.QUICKBOOKS.supportsConnect());
        assertFalse(ProviderType.QPAY.supportsConnect());
        assertFalse(ProviderType.AUTH_SERVICE.supportsConnect());
    }

    @Test
    void savingWithoutARefreshTokenKeepsTheConsentOfTheSameClient() {
        Map<String, String> settings = new HashMap<>(Map.of("realm_id", "4620816365"));
        Connection stored = of(ProviderType.QUICKBOOKS, Optional.of(Secret.of("consented-rt")), settings);
        Connection newSecret = new Connection(KEY, ProviderType.QUICKBOOKS, stored.tokenUrl(), Optional.of("client"),
                Optional.of(Secret.of("rotated-secret")), List.of(), ClientAuthMethod.CLIENT_SECRET_BASIC,
                Optional.empty(), Map.of());
        Connection saved = newSecret.keepingConsentOf(stored);
        assertEquals(Optional.of(Secret.of("consented-rt")), saved.refreshToken());
        assertEquals(Optional.of("4620816365"), saved.setting("realm_id"));
        assertEquals(Optional.of(Secret.of("rotated-secret")), saved.clientSecret());

        Connection otherClient = new Connection(KEY, ProviderType.QUICKBOOKS, stored.tokenUrl(), Optional.of("other"),
                Optional.of(Secret.of("s")), List.of(), ClientAuthMethod.CLIENT_SECRET_BASIC, Optional.empty(),
                Map.of());
        assertSame(otherClient, otherClient.keepingConsentOf(stored));
        Connection newToken = of(ProviderType.QUICKBOOKS, Optional.of(Secret.of("pasted-rt")), Map.of());
        assertSame(newToken, newToken.keepingConsentOf(stored));
        Connection credentials = oauth2(Map.of());
        assertSame(credentials, credentials.keepingConsentOf(oauth2(Map.of()).withRefreshToken(Secret.of("rt"))));
    }

    @Test
    void aCompletedConsentStoresItsRefreshTokenAndRealm() {
        Connection consented = of(ProviderType.QUICKBOOKS, Optional.empty(), Map.of())
                .consented(Secret.of("rt"), Optional.of("123145"));
        assertFalse(consented.awaitsConnect());
        assertEquals(Optional.of("123145"), consented.setting("realm_id"));
    }
}
