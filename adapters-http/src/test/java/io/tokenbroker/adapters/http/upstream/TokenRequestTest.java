package io.tokenbroker.adapters.http.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenRequestTest {

    private static final URI TOKEN_URL = URI.create("https://idp.example/oauth/token");

    @Test
    void headersAccumulateWithoutChangingTheOriginal() {
        TokenRequest bare = TokenRequest.post(TOKEN_URL, "grant_type=client_credentials");

        TokenRequest authenticated = bare.header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic Y2xpZW50OnNlY3JldA==");

        assertEquals(Map.of(), bare.headers());
        assertEquals("Basic Y2xpZW50OnNlY3JldA==", authenticated.headers().get("Authorization"));
        assertEquals(Optional.of("grant_type=client_credentials"), authenticated.body());
        assertEquals(Optional.empty(), TokenRequest.get(TOKEN_URL).body());
    }

    @Test
    void itsTextNamesNeitherCredentialsNorTheBody() {
        TokenRequest request = TokenRequest.post(TOKEN_URL, "refresh_token=rt-secret-1")
                .header("Authorization", "Bearer rt-secret-2");

        assertEquals("POST https://idp.example/oauth/token", request.toString());
        assertFalse(request.toString().contains("secret"));
    }
}
