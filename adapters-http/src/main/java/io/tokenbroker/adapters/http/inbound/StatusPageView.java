package io.tokenbroker.adapters.http.inbound;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/** {@code GET /v1/status}: one page of connections, a summary over all visible ones, and the next page's cursor. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record StatusPageView(Map<String, Long> summary, List<StatusView> connections,
                             @JsonProperty("next_cursor") @Nullable String nextCursor) {
}
