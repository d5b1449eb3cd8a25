package io.tokenbroker.adapters.http.inbound;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;

/** The answer to a forced refresh: when the new token expires, never the token itself. */
@Serdeable
public record Refreshed(String tenant,
                        String connection,
                        @JsonProperty("expires_at") String expiresAt,
                        @JsonProperty("expires_in") long expiresIn,
                        @JsonProperty("refreshed_at") String refreshedAt) {
}
