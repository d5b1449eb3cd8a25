package io.tokenbroker.adapters.http.inbound;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * An RFC 9457 problem detail. {@code detail} is always written by us, never copied from a request, an upstream
 * body or an exception of a library, so it cannot carry a secret.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, @Nullable String detail, @Nullable String instance) {

    /** Problem types are URNs: stable names a client can switch on, documented in docs/api.md. */
    static String type(String slug) {
        return "urn:tokenbroker:problem:" + slug;
    }
}
