package io.tokenbroker.adapters.http.inbound;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * The body of {@code POST …/connect}; every field is optional.
 *
 * @param expiresIn seconds the link stays usable: 1800 unless given, at most 86400
 */
@Serdeable
@JsonIgnoreProperties(ignoreUnknown = false)
public record ConnectLinkRequest(
        @JsonProperty("return_url") @Size(max = 2048) @Nullable String returnUrl,
        @Size(max = 100) @Nullable List<@NotBlank @Size(max = 512) @Pattern(regexp = "\\S+") String> scopes,
        @JsonProperty("expires_in") @Min(1) @Max(86400) @Nullable Long expiresIn) {

    static ConnectLinkRequest empty() {
        return new ConnectLinkRequest(null, null, null);
    }
}
