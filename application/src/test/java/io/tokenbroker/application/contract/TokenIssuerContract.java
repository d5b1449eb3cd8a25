package io.tokenbroker.application.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenbroker.application.port.out.TokenIssuer;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.token.AccessToken;
import io.tokenbroker.domain.token.TokenGrant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TokenIssuer} must do against an upstream that knows one client. An adapter test extends this
 * class and points {@link #issuer()} at such an upstream (a stub server, or the in-memory double).
 */
public abstract class TokenIssuerContract {

    private TokenIssuer issuer;

    /** The issuer under test; called once per test. */
    protected abstract TokenIssuer issuer();

    /** A connection whose client id and secret the upstream accepts. */
    protected abstract Connection connectionWithValidCredentials();

    /** The same client with a secret the upstream refuses. */
    protected abstract Connection connectionWithWrongSecret();

    @BeforeEach
    void createIssuer() {
        issuer = issuer();
    }

    @Test
    void validCredentialsGetAnAccessToken() {
        TokenGrant grant = issuer.issue(connectionWithValidCredentials());

        AccessToken token = grant.accessToken();
        assertFalse(token.value().isBlank());
        assertTrue(token.expiresAt().isAfter(token.issuedAt()), "expires after it was issued");
    }

    @Test
    void everyCallGetsANewToken() {
        Connection connection = connectionWithValidCredentials();

        AccessToken first = issuer.issue(connection).accessToken();
        AccessToken second = issuer.issue(connection).accessToken();

        assertNotEquals(first.value(), second.value());
    }

    @Test
    void aWrongSecretIsRejectedAsInvalidClient() {
        UpstreamException.Rejected rejected = assertThrows(UpstreamException.Rejected.class,
                () -> issuer.issue(connectionWithWrongSecret()));

        assertFalse(rejected.retryable());
        assertEquals(Optional.of("invalid_client"), rejected.errorCode());
    }

    @Test
    void aRejectionNamesNoSecretAndNoToken() {
        Connection valid = connectionWithValidCredentials();
        Connection wrong = connectionWithWrongSecret();
        TokenGrant earlier = issuer.issue(valid);

        UpstreamException rejected = assertThrows(UpstreamException.class, () -> issuer.issue(wrong));

        List<String> secrets = new ArrayList<>();
        wrong.clientSecret().map(Secret::reveal).ifPresent(secrets::add);
        valid.clientSecret().map(Secret::reveal).ifPresent(secrets::add);
        secrets.add(earlier.accessToken().value());
        earlier.refreshToken().map(Secret::reveal).ifPresent(secrets::add);
        wrong.refreshToken().map(Secret::reveal).ifPresent(secrets::add);
        String message = String.valueOf(rejected.getMessage());
        String described = rejected.toString();
        for (String secret : secrets) {
            assertFalse(message.contains(secret), "the message shows a secret or token");
            assertFalse(described.contains(secret), "toString() shows a secret or token");
        }
    }
}
