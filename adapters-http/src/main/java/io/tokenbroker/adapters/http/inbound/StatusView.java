package io.tokenbroker.adapters.http.inbound;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.tokenbroker.application.port.in.ConnectionStatus;
import java.time.Duration;
import java.util.Locale;

/** A connection's status on the wire: lower-case words, instants as ISO-8601 strings, null where unknown. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record StatusView(
        String tenant,
        String connection,
        String health,
        @JsonProperty("expires_at") @Nullable String expiresAt,
        @JsonProperty("seconds_until_expiry") @Nullable Long secondsUntilExpiry,
        @JsonProperty("needs_refresh") boolean needsRefresh,
        @JsonProperty("circuit_state") String circuitState,
        @JsonProperty("last_refresh") @Nullable LastRefresh lastRefresh,
        @JsonProperty("consecutive_failures") int consecutiveFailures,
        @JsonProperty("refresh_token_expires_at") @Nullable String refreshTokenExpiresAt) {

    @Serdeable
    public record LastRefresh(String at, String outcome, String trigger,
                              @JsonProperty("error_code") @Nullable String errorCode) {
    }

    static StatusView of(ConnectionStatus status) {
        return new StatusView(status.key().tenant().value(), status.key().connection().value(), word(status.health()),
                status.expiresAt().map(Object::toString).orElse(null),
                status.untilExpiry().map(Duration::toSeconds).orElse(null), status.needsRefresh(),
                word(status.circuit()),
                status.lastRefresh().map(attempt -> new LastRefresh(attempt.completedAt().toString(),
                        word(attempt.outcome()), word(attempt.trigger()), attempt.errorCode().orElse(null)))
                        .orElse(null),
                status.consecutiveFailures(), status.refreshTokenExpiresAt().map(Object::toString).orElse(null));
    }

    static String word(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
