package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.tokenbroker.application.service.ApiKeySettings;
import java.time.Duration;

/**
 * {@code tokenbroker.security.*}.
 *
 * @param bcryptCost       work factor of stored key hashes (12 ≈ 0.35 s per verification here)
 * @param verifiedCacheTtl how long a verified key is trusted without bcrypt
 * @param maxFailures      failed authentications per address and per key id per window before a 429
 * @param failureWindow    that window
 * @param verificationThreads threads that run bcrypt verifications of keys new to this instance (0 = one per core)
 * @param verificationQueue   verifications that may wait for a thread; beyond them a new key is answered 503
 */
@ConfigurationProperties("tokenbroker.security")
public record SecurityConfiguration(
        @Bindable(defaultValue = "12") int bcryptCost,
        @Bindable(defaultValue = "60s") Duration verifiedCacheTtl,
        @Bindable(defaultValue = "10") int maxFailures,
        @Bindable(defaultValue = "1m") Duration failureWindow,
        @Bindable(defaultValue = "0") int verificationThreads,
        @Bindable(defaultValue = "32") int verificationQueue) {

    /** The configured thread count, or one per available core. */
    public int verificationThreadCount() {
        return verificationThreads > 0 ? verificationThreads : Runtime.getRuntime().availableProcessors();
    }

    public ApiKeySettings settings() {
        return new ApiKeySettings(verifiedCacheTtl, 10_000, maxFailures, failureWindow);
    }
}
