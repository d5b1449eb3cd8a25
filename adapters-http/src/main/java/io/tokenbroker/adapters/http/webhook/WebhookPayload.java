package io.tokenbroker.adapters.http.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.tokenbroker.domain.connection.ConnectionEvent;
import java.util.Locale;

/**
 * The JSON body of one webhook delivery. Every field is an id, an enum name, an instant or the event's sanitised
 * detail: never a token or a secret.
 *
 * @param id        the same on every retry of one event, so a receiver can drop duplicates
 * @param expiresAt absent unless the event is about one token (refreshed, expiring)
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
record WebhookPayload(
        @JsonProperty("id") String id,
        @JsonProperty("type") String type,
        @JsonProperty("tenant") String tenant,
        @JsonProperty("connection") String connection,
        @JsonProperty("at") String at,
        @JsonProperty("detail") String detail,
        @JsonProperty("expires_at") String expiresAt) {

    static WebhookPayload of(String id, ConnectionEvent event) {
        return new WebhookPayload(id, event.type().name().toLowerCase(Locale.ROOT), event.key().tenant().value(),
                event.key().connection().value(), event.at().toString(), event.detail(),
                event.expiresAt().map(Object::toString).orElse(null));
    }
}
