package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.tokenbroker.domain.token.ExpiryRules;
import java.time.Duration;

/**
 * {@code tokenbroker.token.*}.
 *
 * @param defaultLifetime assumed when a provider gives no expiry at all
 * @param maxLifetime     expiries further ahead are refused as a unit mix-up
 */
@ConfigurationProperties("tokenbroker.token")
public record TokenConfiguration(
        @Bindable(defaultValue = "3300s") Duration defaultLifetime,
        @Bindable(defaultValue = "366d") Duration maxLifetime) {

    public ExpiryRules expiryRules() {
        return new ExpiryRules(defaultLifetime, maxLifetime);
    }
}
