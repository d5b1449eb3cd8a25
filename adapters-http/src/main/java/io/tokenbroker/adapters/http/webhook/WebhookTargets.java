package io.tokenbroker.adapters.http.webhook;

import io.tokenbroker.domain.connection.TenantId;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;

/**
 * Where each tenant's events go: the tenant's own receiver when it has one, else the default receiver when there is
 * one, else nowhere (the event is still logged). Immutable.
 */
public final class WebhookTargets {

    /** Shorter secrets are refused: an HMAC key should carry at least the strength of its 256-bit output's half. */
    public static final int MIN_SECRET_LENGTH = 32;

    /**
     * One receiver: where to POST and the key that signs what is sent there. Its {@code toString} names the host only:
     * a path or query may carry a receiver's own credential.
     */
    public static final class Target {

        private final URI url;
        private final SecretKeySpec key;

        private Target(URI url, SecretKeySpec key) {
            this.url = url;
            this.key = key;
        }

        /**
         * @throws IllegalArgumentException for a URL that is not absolute http(s) or a secret shorter than
         *                                  {@value #MIN_SECRET_LENGTH} characters; the message never holds the secret
         */
        public static Target of(URI url, String secret) {
            Objects.requireNonNull(url, "url");
            if (!url.isAbsolute() || url.getHost() == null
                    || !("https".equalsIgnoreCase(url.getScheme()) || "http".equalsIgnoreCase(url.getScheme()))) {
                throw new IllegalArgumentException("a webhook URL must be an absolute http or https URL");
            }
            if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
                throw new IllegalArgumentException("a webhook secret must be at least " + MIN_SECRET_LENGTH
                        + " characters");
            }
            return new Target(url, new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        }

        public URI url() {
            return url;
        }

        SecretKeySpec key() {
            return key;
        }

        @Override
        public String toString() {
            return "Target[" + url.getScheme() + "://" + url.getHost() + "/…, secret=***]";
        }
    }

    private final Map<TenantId, Target> perTenant;
    private final Optional<Target> fallback;

    /**
     * @param perTenant receivers of tenants that have their own
     * @param fallback  the receiver of every other tenant, if any
     */
    public WebhookTargets(Map<TenantId, Target> perTenant, Optional<Target> fallback) {
        this.perTenant = Map.copyOf(perTenant);
        this.fallback = Objects.requireNonNull(fallback, "fallback");
    }

    /** Where this tenant's events go, or empty when nowhere. */
    public Optional<Target> forTenant(TenantId tenant) {
        Target own = perTenant.get(tenant);
        return own != null ? Optional.of(own) : fallback;
    }

    /** How many receivers are configured: the tenants' own and the default. */
    public int receivers() {
        return perTenant.size() + (fallback.isPresent() ? 1 : 0);
    }

    /** True when no tenant's events go anywhere: no receiver is configured. */
    public boolean isEmpty() {
        return perTenant.isEmpty() && fallback.isEmpty();
    }

    @Override
    public String toString() {
        return "WebhookTargets[tenants=" + perTenant.keySet() + ", default=" + fallback.isPresent() + "]";
    }
}
