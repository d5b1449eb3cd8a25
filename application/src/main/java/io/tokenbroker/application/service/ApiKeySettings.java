package io.tokenbroker.application.service;

import java.time.Duration;
import java.util.Objects;

/**
 * @param verifiedCacheTtl how long a verified key is trusted without bcrypt; also the longest a revocation takes
 *                         to reach an instance that did not see it happen (until revocations are broadcast)
 * @param verifiedCacheSize bound on remembered keys
 * @param maxFailures      failed authentications per address, and per key id, in one window before refusing
 * @param failureWindow    the window
 */
public record ApiKeySettings(Duration verifiedCacheTtl, int verifiedCacheSize, int maxFailures,
                             Duration failureWindow) {

    public ApiKeySettings {
        Objects.requireNonNull(verifiedCacheTtl, "verifiedCacheTtl");
        Objects.requireNonNull(failureWindow, "failureWindow");
        if (verifiedCacheSize < 1 || maxFailures < 1) {
            throw new IllegalArgumentException("the cache size and the failure limit must be at least 1");
        }
    }

    public static ApiKeySettings defaults() {
        return new ApiKeySettings(Duration.ofSeconds(60), 10_000, 10, Duration.ofMinutes(1));
    }
}
