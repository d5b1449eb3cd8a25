package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.tokenbroker.domain.apikey.ApiKeyId;
import io.tokenbroker.domain.apikey.RateLimit;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code tokenbroker.rate-limit.*}: requests per window per API key and per client address (0 = off), and per-key
 * overrides ({@code tokenbroker.rate-limit.keys.<key id>: 100000}).
 */
@ConfigurationProperties("tokenbroker.rate-limit")
public record RateLimitConfiguration(
        @Bindable(defaultValue = "1m") Duration window,
        @Bindable(defaultValue = "60000") long perKey,
        @Bindable(defaultValue = "120000") long perAddress,
        @Bindable(defaultValue = "") Map<String, Long> keys) {

    public RateLimit perKeyLimit() {
        return new RateLimit(perKey, window);
    }

    public RateLimit perAddressLimit() {
        return new RateLimit(perAddress, window);
    }

    public Map<ApiKeyId, RateLimit> overrides() {
        Map<ApiKeyId, RateLimit> overrides = new HashMap<>();
        if (keys != null) {
            keys.forEach((id, requests) -> overrides.put(new ApiKeyId(id), new RateLimit(requests, window)));
        }
        return overrides;
    }
}
