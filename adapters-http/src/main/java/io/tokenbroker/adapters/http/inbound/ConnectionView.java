package io.tokenbroker.adapters.http.inbound;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.tokenbroker.domain.connection.Connection;
import java.util.List;

/** A connection as the API shows it: everything but its secrets, and whether a refresh token is held. */
@Serdeable
public record ConnectionView(
        String tenant,
        String connection,
        String provider,
        @JsonProperty("token_url") String tokenUrl,
        @JsonProperty("client_id") String clientId,
        List<String> scopes,
        @JsonProperty("auth_method") String authMethod,
        @JsonProperty("has_refresh_token") boolean hasRefreshToken) {

    static ConnectionView of(Connection connection) {
        return new ConnectionView(connection.key().tenant().value(), connection.key().connection().value(),
                connection.provider().wireName(), connection.tokenUrl().toString(), connection.clientId(),
                connection.scopes(), connection.authMethod().wireName(), connection.refreshToken().isPresent());
    }
}
