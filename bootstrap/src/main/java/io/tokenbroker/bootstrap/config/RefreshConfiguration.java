package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.tokenbroker.domain.token.RefreshPolicy;
import java.time.Duration;

/**
 * {@code tokenbroker.refresh.*}.
 *
 * @param buffer     never serve a token this close to its expiry
 * @param aheadRatio renew in the background after this share of a token's lifetime
 */
@ConfigurationProperties("tokenbroker.refresh")
public record RefreshConfiguration(
        @Bindable(defaultValue = "60s") Duration buffer,
        @Bindable(defaultValue = "0.8") double aheadRatio) {

    public RefreshPolicy policy() {
        return new RefreshPolicy(buffer, aheadRatio);
    }
}
