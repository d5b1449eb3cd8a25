package io.tokenbroker.application.testing;

import io.tokenbroker.domain.connection.ClientAuthMethod;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.egress.SavedBy;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds {@link Connection}s for tests: {@code aConnection().withKey(...).build()}. Every field has a valid default,
 * so a test names only what it is about. The default token URL points at the discard port of localhost, so a
 * connection that reaches a real HTTP client by mistake fails fast instead of calling anyone.
 */
public final class ConnectionTestData {

    public static final ConnectionKey DEFAULT_KEY = ConnectionKey.of("acme", "crm");
    public static final URI DEFAULT_TOKEN_URL = URI.create("http://127.0.0.1:9/token");
    public static final String DEFAULT_CLIENT_ID = "client-1";
    public static final String DEFAULT_CLIENT_SECRET = "secret-1";

    private ConnectionKey key = DEFAULT_KEY;
    private ProviderType provider = ProviderType.OAUTH2;
    private URI tokenUrl = DEFAULT_TOKEN_URL;
    private String clientId = DEFAULT_CLIENT_ID;
    private Secret clientSecret = Secret.of(DEFAULT_CLIENT_SECRET);
    private List<String> scopes = List.of("read");
    private ClientAuthMethod authMethod = ClientAuthMethod.CLIENT_SECRET_BASIC;
    private Optional<Secret> refreshToken = Optional.empty();
    private Map<String, String> settings = Map.of();
    private SavedBy savedBy = SavedBy.OPERATOR;

    private ConnectionTestData() {
    }

    /**
     * acme/crm at http://127.0.0.1:9/token, client-1 / secret-1, scope read, client_secret_basic, no refresh token,
     * saved by an operator.
     */
    public static ConnectionTestData aConnection() {
        return new ConnectionTestData();
    }

    public ConnectionTestData withKey(ConnectionKey key) {
        this.key = Objects.requireNonNull(key, "key");
        return this;
    }

    public ConnectionTestData withKey(String tenant, String connection) {
        return withKey(ConnectionKey.of(tenant, connection));
    }

    public ConnectionTestData withProvider(ProviderType provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
        return this;
    }

    public ConnectionTestData withTokenUrl(URI tokenUrl) {
        this.tokenUrl = Objects.requireNonNull(tokenUrl, "tokenUrl");
        return this;
    }

    public ConnectionTestData withTokenUrl(String tokenUrl) {
        return withTokenUrl(URI.create(tokenUrl));
    }

    public ConnectionTestData withSettings(Map<String, String> settings) {
        this.settings = Map.copyOf(settings);
        return this;
    }

    /** No client id and secret, as an {@code auth-service} connection may have. */
    public ConnectionTestData withoutClientCredentials() {
        this.clientId = null;
        this.clientSecret = null;
        return this;
    }

    public ConnectionTestData withClientId(String clientId) {
        this.clientId = clientId;
        return this;
    }

    public ConnectionTestData withClientSecret(String clientSecret) {
        return withClientSecret(Secret.of(clientSecret));
    }

    public ConnectionTestData withClientSecret(Secret clientSecret) {
        this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
        return this;
    }

    public ConnectionTestData withScopes(String... scopes) {
        return withScopes(List.of(scopes));
    }

    public ConnectionTestData withScopes(List<String> scopes) {
        this.scopes = List.copyOf(scopes);
        return this;
    }

    public ConnectionTestData withAuthMethod(ClientAuthMethod authMethod) {
        this.authMethod = Objects.requireNonNull(authMethod, "authMethod");
        return this;
    }

    /** A null refresh token means none, so a parameterised test can pass "maybe". */
    public ConnectionTestData withRefreshToken(String refreshToken) {
        return refreshToken == null ? withoutRefreshToken() : withRefreshToken(Secret.of(refreshToken));
    }

    public ConnectionTestData withRefreshToken(Secret refreshToken) {
        this.refreshToken = Optional.of(refreshToken);
        return this;
    }

    public ConnectionTestData withoutRefreshToken() {
        this.refreshToken = Optional.empty();
        return this;
    }

    public ConnectionTestData savedBy(SavedBy savedBy) {
        this.savedBy = Objects.requireNonNull(savedBy, "savedBy");
        return this;
    }

    public Connection build() {
        return new Connection(key, provider, tokenUrl, Optional.ofNullable(clientId), Optional.ofNullable(clientSecret),
                scopes, authMethod, refreshToken, settings, savedBy);
    }
}
