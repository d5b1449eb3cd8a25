package io.tokenbroker.adapters.http.inbound;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** @param accessToken the token the caller saw rejected; absent to drop whatever is cached */
@Serdeable
@JsonIgnoreProperties(ignoreUnknown = false)
public record InvalidateRequest(@JsonProperty("access_token") @Nullable String accessToken) {

    @Override
    public String toString() {
        return "InvalidateRequest[" + (accessToken == null ? "no token" : "token given") + "]";
    }
}
