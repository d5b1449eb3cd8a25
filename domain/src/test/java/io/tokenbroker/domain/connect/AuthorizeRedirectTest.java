package io.tokenbroker.domain.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.domain.connection.ClientAuthMethod;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.connection.Secret;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AuthorizeRedirectTest {

    private static final URI CALLBACK = URI.create("https://broker.test/v1/oauth/callback");
    private final Random random = new Random(7);

    private static Connection of(ProviderType type, Map<String, String> settings) {
        return new Connection(ConnectionKey.of("acme", "books"), type, type.tokenUrl(Optional.empty(), settings),
                Optional.of("client 1"), Optional.of(Secret.of("s")), List.of(), ClientAuthMethod.CLIENT_SECRET_BASIC,
                Optional.empty(), settings);
    }

    @Test
    void carriesPkceS256StateAndTheCallbackAndNeverTheVerifier() {
        Handle state = Handle.random(random);
        Handle verifier = Handle.random(random);
        Connection oauth2 = new Connection(ConnectionKey.of("acme", "crm"), ProviderType.OAUTH2,
                URI.create("https://idp.test/token"), Optional.of("client 1"), Optional.of(Secret.of("s")), List.of(),
                ClientAuthMethod.CLIENT_SECRET_BASIC, Optional.empty(), Map.of("grant", "authorization_code",
                "authorization_url", "https://idp.test/authorize?tenant=x", "authorize.prompt", "consent"));
        URI uri = AuthorizeRedirect.to(oauth2, CALLBACK, List.of("a", "b"), state, verifier);
        String query = uri.getRawQuery();
        assertTrue(query.contains("response_type=code&client_id=client%201&redirect_uri="
                + "https%3A%2F%2Fbroker.test%2Fv1%2Foauth%2Fcallback&scope=a%20b&state=" + state.reveal()), query);
        assertTrue(query.endsWith("&code_challenge=" + verifier.challenge() + "&code_challenge_method=S256"));
        assertFalse(uri.toString().contains(verifier.reveal()));
        assertTrue(uri.toString().startsWith("https://idp.test/authorize?tenant=x&prompt=consent&"), uri.toString());
    }

    @Test
    void ebayIsSentItsRuNameAndGenesysItsRegionsEndpoint() {
        Connection ebay = of(ProviderType.EBAY, Map.of("grant", "authorization_code", "ru_name", "Acme-Broker-PRD"));
        URI toEbay = AuthorizeRedirect.to(ebay, CALLBACK, List.of(), Handle.random(random), Handle.random(random));
        assertTrue(toEbay.toString().startsWith("https://auth.ebay.com/oauth2/authorize?"));
        assertTrue(toEbay.getRawQuery().contains("redirect_uri=Acme-Broker-PRD&"));
        Connection genesys = of(ProviderType.GENESYS, Map.of("grant", "authorization_code", "region", "mypurecloud.de"));
        assertTrue(AuthorizeRedirect.to(genesys, CALLBACK, List.of(), Handle.random(random), Handle.random(random))
                .toString().startsWith("https://login.mypurecloud.de/oauth/authorize?"));
    }

    @Test
    void handlesAreLongRandomAndShownOnlyByDigest() {
        Handle one = Handle.random(random);
        assertEquals(43, one.reveal().length());
        assertNotEquals(one, Handle.random(random));
        assertEquals("Handle[***]", one.toString());
        assertEquals(Optional.of(one), Handle.presented(one.reveal()));
        assertTrue(one.hasDigest(Handle.presented(one.reveal()).orElseThrow().digest()));
        assertEquals(Optional.empty(), Handle.presented("short"));
        // RFC 7636 appendix B.
        assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                Handle.presented("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").orElseThrow().challenge());
    }
}
