package io.tokenbroker.domain.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenbroker.domain.connection.Secret;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenGrantTest {

    private static final Instant ISSUED = Instant.parse("2024-05-01T12:00:00Z");
    private static final AccessToken TOKEN = new AccessToken("tok", "Bearer", ISSUED, ISSUED.plusSeconds(3600));

    @Test
    void ofCarriesOnlyTheAccessToken() {
        TokenGrant grant = TokenGrant.of(TOKEN);
        assertEquals(TOKEN, grant.accessToken());
        assertEquals(Optional.empty(), grant.refreshToken());
        assertEquals(Optional.empty(), grant.refreshTokenExpiresAt());
    }

    @Test
    void carriesARotatedRefreshToken() {
        Instant rtExpiry = ISSUED.plusSeconds(86_400);
        TokenGrant grant = new TokenGrant(TOKEN, Optional.of(Secret.of("rt-2")), Optional.of(rtExpiry));
        assertEquals(Optional.of(Secret.of("rt-2")), grant.refreshToken());
        assertEquals(Optional.of(rtExpiry), grant.refreshTokenExpiresAt());
    }

    @Test
    void rejectsNulls() {
        assertThrows(NullPointerException.class, () -> TokenGrant.of(null));
        assertThrows(NullPointerException.class, () -> new TokenGrant(TOKEN, null, Optional.empty()));
        assertThrows(NullPointerException.class, () -> new TokenGrant(TOKEN, Optional.empty(), null));
    }
}
