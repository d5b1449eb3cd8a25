package io.tokenbroker.adapters.http.inbound;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.tokenbroker.application.port.in.FindConnection;
import io.tokenbroker.domain.connection.Connection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A connection as the API shows it: the same fields a PUT takes, but never a secret; whether a refresh token is
 * held instead. {@code token_url} is the resolved endpoint; {@code saved_by} says whether an operator's or a tenant's
 * key last saved it, which decides the hosts it may name.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ConnectionView(
        String tenant,
        String connection,
        String provider,
        @JsonProperty("token_url") String tokenUrl,
        @JsonProperty("client_id") @Nullable String clientId,
        List<String> scopes,
        @JsonProperty("auth_method") String authMethod,
        @JsonProperty("has_refresh_token") boolean hasRefreshToken,
        @JsonProperty("base_url") @Nullable String baseUrl,
        @JsonProperty("realm_id") @Nullable String realmId,
        @Nullable String region,
        @Nullable String environment,
        @Nullable String url,
        @JsonProperty("tenant_header") @Nullable String tenantHeader,
        @Nullable String audience,
        @Nullable String resource,
        @JsonProperty("extra_params") @Nullable Map<String, String> extraParams,
        @JsonProperty("needs_reauthorization_since") @Nullable String needsReauthorizationSince,
        @JsonProperty("saved_by") String savedBy,
        @JsonProperty("api_base_url") @Nullable String apiBaseUrl,
        String grant,
        @JsonProperty("authorization_url") @Nullable String authorizationUrl,
        @JsonProperty("authorize_params") @Nullable Map<String, String> authorizeParams,
        @JsonProperty("ru_name") @Nullable String ruName) {

    static ConnectionView of(FindConnection.Found found) {
        Connection connection = found.connection();
        return new ConnectionView(connection.key().tenant().value(), connection.key().connection().value(),
                connection.provider().wireName(), connection.tokenUrl().toString(), connection.clientId().orElse(null),
                connection.scopes(), connection.authMethod().wireName(), connection.refreshToken().isPresent(),
                setting(connection, "base_url"), setting(connection, "realm_id"), setting(connection, "region"),
                setting(connection, "environment"), setting(connection, "url"), setting(connection, "tenant_header"),
                setting(connection, "audience"), setting(connection, "resource"), connection.formParameters(),
                found.needsReauthorisationSince().map(Object::toString).orElse(null),
                connection.savedBy().name().toLowerCase(Locale.ROOT), setting(connection, "api_base_url"),
                connection.grant().wireName(), connection.authorizationUrl().map(Object::toString).orElse(null),
                connection.authorizeParameters(), setting(connection, "ru_name"));
    }

    private static String setting(Connection connection, String name) {
        return connection.setting(name).orElse(null);
    }
}
