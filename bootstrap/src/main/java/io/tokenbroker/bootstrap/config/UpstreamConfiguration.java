package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code tokenbroker.upstream.*}.
 *
 * @param connectTimeout to open a connection to a token endpoint
 * @param requestTimeout for a whole token request, answer included
 */
@ConfigurationProperties("tokenbroker.upstream")
public record UpstreamConfiguration(
        @Bindable(defaultValue = "3s") Duration connectTimeout,
        @Bindable(defaultValue = "10s") Duration requestTimeout) {
}
