package io.tokenbroker.adapters.http.inbound;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;

/** A new connect link: the URL to send the tenant's user to, and until when it works. Shown once. */
@Serdeable
public record ConnectLinkView(@JsonProperty("connect_url") String connectUrl,
                              @JsonProperty("expires_at") String expiresAt) {

    @Override
    public String toString() {
        return "ConnectLinkView[expires_at=" + expiresAt + "]";
    }
}
