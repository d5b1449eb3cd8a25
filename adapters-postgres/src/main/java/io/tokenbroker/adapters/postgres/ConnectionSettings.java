package io.tokenbroker.adapters.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenbroker.domain.connection.ClientAuthMethod;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.ProviderType;
import io.tokenbroker.domain.connection.Secret;
import io.tokenbroker.domain.egress.SavedBy;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Maps the non-secret fields of a {@link Connection} to and from the {@code settings} JSON column. A field a
 * provider profile adds later is one more property here, not a migration; unknown properties are ignored on read so
 * an older instance can still read rows a newer one wrote.
 */
final class ConnectionSettings {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConnectionSettings() {
    }

    static String toJson(Connection connection) {
        ObjectNode settings = JSON.createObjectNode();
        settings.put("token_url", connection.tokenUrl().toString());
        connection.clientId().ifPresent(clientId -> settings.put("client_id", clientId));
        ArrayNode scopes = settings.putArray("scopes");
        connection.scopes().forEach(scopes::add);
        settings.put("auth_method", connection.authMethod().wireName());
        ObjectNode providerSettings = settings.putObject("provider_settings");
        connection.settings().forEach(providerSettings::put);
        try {
            return JSON.writeValueAsString(settings);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("settings could not be written as JSON", impossible);
        }
    }

    /** The {@code saved_by} column's value: the enum's name in lower case. */
    static String column(SavedBy savedBy) {
        return savedBy.name().toLowerCase(Locale.ROOT);
    }

    static SavedBy savedBy(String column) {
        return SavedBy.valueOf(column.toUpperCase(Locale.ROOT));
    }

    static Connection toConnection(ConnectionKey key, String provider, String json, Optional<Secret> clientSecret,
                                   Optional<Secret> refreshToken, SavedBy savedBy) {
        JsonNode settings;
        try {
            settings = JSON.readTree(json);
        } catch (JsonProcessingException corrupt) {
            throw new IllegalStateException("the settings of " + key + " are not JSON");
        }
        List<String> scopes = new ArrayList<>();
        settings.path("scopes").forEach(scope -> scopes.add(scope.asText()));
        Map<String, String> providerSettings = new LinkedHashMap<>();
        settings.path("provider_settings").fields()
                .forEachRemaining(field -> providerSettings.put(field.getKey(), field.getValue().asText()));
        return new Connection(key,
                ProviderType.fromWireName(provider).orElseThrow(
                        () -> new IllegalStateException("unknown provider type stored for " + key)),
                URI.create(settings.path("token_url").asText()),
                Optional.ofNullable(settings.get("client_id")).map(JsonNode::asText),
                clientSecret,
                scopes,
                ClientAuthMethod.fromWireName(settings.path("auth_method").asText()).orElseThrow(
                        () -> new IllegalStateException("unknown auth method stored for " + key)),
                refreshToken,
                providerSettings,
                savedBy);
    }
}
