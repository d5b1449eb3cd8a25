package io.tokenbroker.domain.connection;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A tenant's connection to an upstream provider: where to ask for tokens and with which credentials.
 *
 * @param refreshToken present for connections that use the refresh token grant; replaced on rotation
 */
public record Connection(
        ConnectionKey key,
        ProviderType provider,
        URI tokenUrl,
        String clientId,
        Secret clientSecret,
        List<String> scopes,
        ClientAuthMethod authMethod,
        Optional<Secret> refreshToken) {

    public Connection {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(tokenUrl, "tokenUrl");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(authMethod, "authMethod");
        Objects.requireNonNull(refreshToken, "refreshToken");
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("client_id must not be blank");
        }
        if (!tokenUrl.isAbsolute() || tokenUrl.getHost() == null
                || !("https".equalsIgnoreCase(tokenUrl.getScheme()) || "http".equalsIgnoreCase(tokenUrl.getScheme()))) {
            throw new IllegalArgumentException("token_url must be an absolute http(s) URL");
        }
        scopes = List.copyOf(scopes);
        for (String scope : scopes) {
            if (scope == null || scope.isBlank() || scope.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("a scope must be one non-blank word");
            }
        }
    }

    /** The same connection holding the refresh token the upstream rotated to. */
    public Connection withRefreshToken(Secret rotated) {
        return new Connection(key, provider, tokenUrl, clientId, clientSecret, scopes, authMethod,
                Optional.of(rotated));
    }
}
