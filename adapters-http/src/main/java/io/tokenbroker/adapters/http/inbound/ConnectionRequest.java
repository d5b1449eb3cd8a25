package io.tokenbroker.adapters.http.inbound;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.tokenbroker.domain.connection.ClientAuthMethod;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.connection.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;

/** The body of {@code PUT /v1/tenants/{tenant}/connections/{connection}}. Unknown fields are refused. */
@Serdeable
@JsonIgnoreProperties(ignoreUnknown = false)
public record ConnectionRequest(
        @Nullable String provider,
        @JsonProperty("token_url") @Nullable String tokenUrl,
        @JsonProperty("client_id") @Nullable String clientId,
        @JsonProperty("client_secret") @Nullable String clientSecret,
        @Nullable List<String> scopes,
        @JsonProperty("auth_method") @Nullable String authMethod,
        @JsonProperty("refresh_token") @Nullable String refreshToken) {

    /** The domain connection this request describes; every refusal names the field and never quotes a secret. */
    Connection toConnection(ConnectionKey key) {
        ProviderType type = ProviderType.fromWireName(required("provider", provider))
                .orElseThrow(() -> new InvalidRequestException("provider must be one of: oauth2"));
        ClientAuthMethod method = authMethod == null ? ClientAuthMethod.CLIENT_SECRET_BASIC
                : ClientAuthMethod.fromWireName(authMethod).orElseThrow(() -> new InvalidRequestException(
                        "auth_method must be client_secret_basic or client_secret_post"));
        try {
            return new Connection(key, type, uri(required("token_url", tokenUrl)), required("client_id", clientId),
                    Secret.of(required("client_secret", clientSecret)), scopes == null ? List.of() : scopes, method,
                    Optional.ofNullable(refreshToken).filter(rt -> !rt.isBlank()).map(Secret::of));
        } catch (IllegalArgumentException | NullPointerException invalid) {
            // The domain's messages name fields and rules, never values.
            throw new InvalidRequestException(invalid.getMessage());
        }
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException(field + " is required");
        }
        return value;
    }

    private static URI uri(String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException malformed) {
            throw new InvalidRequestException("token_url must be an absolute http(s) URL");
        }
    }

    @Override
    public String toString() {
        return "ConnectionRequest[" + provider + ", " + tokenUrl + ", client_id=" + clientId + "]";
    }
}
