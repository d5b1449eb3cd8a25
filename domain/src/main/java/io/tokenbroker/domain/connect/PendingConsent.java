package io.tokenbroker.domain.connect;

import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.Secret;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An authorization sent to the provider and not yet answered: stored under the digest of its {@code state}, it binds
 * that state to its link, its browser (the digest of the browser's cookie), its connection and its PKCE verifier.
 *
 * @param linkDigest    the digest of the link it was started from
 * @param browserDigest the digest of the cookie set on the browser that started it
 * @param verifier      the PKCE code verifier; it never leaves the broker but to the token endpoint
 */
public record PendingConsent(ConnectionKey key, String linkDigest, String browserDigest, Secret verifier,
                             Optional<URI> returnUrl, Instant expiresAt) {

    public PendingConsent {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(linkDigest, "linkDigest");
        Objects.requireNonNull(browserDigest, "browserDigest");
        Objects.requireNonNull(verifier, "verifier");
        Objects.requireNonNull(returnUrl, "returnUrl");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "PendingConsent[" + key + ", expires " + expiresAt + "]";
    }
}
