package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.apikey.ApiKey;
import io.tokenbroker.domain.apikey.ApiKeyId;
import io.tokenbroker.domain.apikey.Scope;
import io.tokenbroker.domain.apikey.TenantScope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Issuing, listing, revoking and rotating API keys (the admin scope's use cases). One in-port for the four: they
 * are one resource's lifecycle and share its invariants (a secret is shown once; revocation is immediate).
 */
public interface ManageApiKeys {

    /** A new key; {@code plaintext} is shown to the caller once and never stored. */
    Issued issue(Issue command);

    List<ApiKey> list();

    /** @throws ApiKeyNotFoundException for an unknown id */
    void revoke(ApiKeyId id);

    /**
     * A successor with the same name, scopes and tenants; the old key keeps working for {@code grace}.
     *
     * @throws ApiKeyNotFoundException for an unknown or already revoked id
     */
    Issued rotate(ApiKeyId id, Duration grace);

    record Issue(String name, Set<Scope> scopes, TenantScope tenants, Optional<Instant> expiresAt) {
        public Issue {
            Objects.requireNonNull(name, "name");
            scopes = Set.copyOf(scopes);
            Objects.requireNonNull(tenants, "tenants");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    record Issued(ApiKey key, String plaintext) {
        @Override
        public String toString() {
            return "Issued[" + key + ", ***]";
        }
    }

    /** No such key. */
    final class ApiKeyNotFoundException extends BrokerException {
        public ApiKeyNotFoundException(ApiKeyId id) {
            super(Kind.NOT_FOUND, "api-key-not-found", "API key not found", "no API key " + id, Optional.empty(),
                    null);
        }

        @Override
        public String detail() {
            return "No active API key has this id.";
        }
    }
}
