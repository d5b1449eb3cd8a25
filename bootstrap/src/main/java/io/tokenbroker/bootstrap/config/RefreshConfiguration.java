package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.tokenbroker.domain.token.RefreshPolicy;
import io.tokenbroker.domain.token.StaleIfError;
import java.time.Duration;

/**
 * {@code tokenbroker.refresh.*}.
 *
 * @param buffer          never serve a token this close to its expiry, unless its refresh failed (below)
 * @param aheadRatio      renew in the background after this share of a token's lifetime
 * @param staleIfErrorMin when a refresh fails as an outage, a cached token with at least this much left is served
 *                        (marked {@code Tokenbroker-Stale: refresh-failed}); 0 turns it off
 */
@ConfigurationProperties("tokenbroker.refresh")
public record RefreshConfiguration(
        @Bindable(defaultValue = "60s") Duration buffer,
        @Bindable(defaultValue = "0.8") double aheadRatio,
        @Bindable(defaultValue = "10s") Duration staleIfErrorMin) {

    public RefreshPolicy policy() {
        return new RefreshPolicy(buffer, aheadRatio);
    }

    public StaleIfError staleIfError() {
        return new StaleIfError(staleIfErrorMin);
    }
}
