package io.tokenbroker.adapters.http.inbound;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import io.tokenbroker.domain.connection.ClientAuthMethod;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.connection.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The body of {@code PUT /v1/tenants/{tenant}/connections/{connection}}. Fields no provider knows are refused by
 * the parser; fields another provider type uses are refused by the domain, naming the field.
 */
@Serdeable
@JsonIgnoreProperties(ignoreUnknown = false)
public record ConnectionRequest(
        @NotBlank @Size(max = 32) @Nullable String provider,
        @JsonProperty("token_url") @Size(max = 2048) @Nullable String tokenUrl,
        @JsonProperty("client_id") @Size(max = 512) @Nullable String clientId,
        @JsonProperty("client_secret") @Size(max = 4096) @Nullable String clientSecret,
        @Size(max = 100) @Nullable List<@NotBlank @Size(max = 512) String> scopes,
        @JsonProperty("auth_method") @Size(max = 32) @Nullable String authMethod,
        @JsonProperty("refresh_token") @Size(max = 8192) @Nullable String refreshToken,
        @JsonProperty("base_url") @Size(max = 2048) @Nullable String baseUrl,
        @JsonProperty("realm_id") @Size(max = 512) @Nullable String realmId,
        @Size(max = 253) @Nullable String region,
        @Size(max = 32) @Nullable String environment,
        @Size(max = 2048) @Nullable String url,
        @JsonProperty("tenant_header") @Size(max = 128) @Nullable String tenantHeader,
        @Size(max = 512) @Nullable String audience,
        @Size(max = 512) @Nullable String resource,
        @JsonProperty("extra_params") @Size(max = 32) @Nullable Map<String, String> extraParams,
        @JsonProperty("api_base_url") @Size(max = 2048) @Nullable String apiBaseUrl,
        @Size(max = 32) @Nullable String grant,
        @JsonProperty("authorization_url") @Size(max = 512) @Nullable String authorizationUrl,
        @JsonProperty("authorize_params") @Size(max = 32) @Nullable Map<String, String> authorizeParams,
        @JsonProperty("ru_name") @Size(max = 512) @Nullable String ruName) {

    private static final String PROVIDERS = Arrays.stream(ProviderType.values()).map(ProviderType::wireName)
            .collect(Collectors.joining(", "));

    /** The domain connection this request describes; every refusal names the field and never quotes a secret. */
    Connection toConnection(ConnectionKey key) {
        ProviderType type = ProviderType.fromWireName(required("provider", provider))
                .orElseThrow(() -> new InvalidRequestException("provider must be one of: " + PROVIDERS));
        ClientAuthMethod method = authMethod == null ? ClientAuthMethod.CLIENT_SECRET_BASIC
                : ClientAuthMethod.fromWireName(authMethod).orElseThrow(() -> new InvalidRequestException(
                        "auth_method must be client_secret_basic or client_secret_post"));
        try {
            Map<String, String> settings = settings();
            URI endpoint = type.tokenUrl(Optional.ofNullable(tokenUrl).map(ConnectionRequest::uri), settings);
            return new Connection(key, type, endpoint, Optional.ofNullable(clientId),
                    Optional.ofNullable(clientSecret).filter(secret -> !secret.isEmpty()).map(Secret::of),
                    scopes == null ? List.of() : scopes, method,
                    Optional.ofNullable(refreshToken).filter(rt -> !rt.isBlank()).map(Secret::of), settings);
        } catch (IllegalArgumentException | NullPointerException invalid) {
            // The domain's messages name fields and rules, never values.
            throw new InvalidRequestException(invalid.getMessage());
        }
    }

    private Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        put(settings, "base_url", baseUrl);
        put(settings, "realm_id", realmId);
        put(settings, "region", region);
        put(settings, "environment", environment);
        put(settings, "url", url);
        put(settings, "tenant_header", tenantHeader);
        put(settings, "audience", audience);
        put(settings, "resource", resource);
        put(settings, "api_base_url", apiBaseUrl);
        if (extraParams != null) {
            extraParams.forEach((name, value) -> settings.put(ProviderType.FORM_PARAMETER_PREFIX + name, value));
        }
        put(settings, "grant", grant);
        put(settings, "authorization_url", authorizationUrl);
        put(settings, "ru_name", ruName);
        if (authorizeParams != null) {
            authorizeParams.forEach((name, value) ->
                    settings.put(ProviderType.AUTHORIZE_PARAMETER_PREFIX + name, value));
        }
        return settings;
    }

    private static void put(Map<String, String> settings, String name, String value) {
        if (value != null) {
            settings.put(name, value);
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
        return "ConnectionRequest[" + provider + ", client_id=" + clientId + "]";
    }
}
