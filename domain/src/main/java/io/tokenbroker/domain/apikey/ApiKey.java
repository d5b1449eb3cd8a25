package io.tokenbroker.domain.apikey;

import io.tokenbroker.domain.connection.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A caller's API key as stored: never the secret itself, only its bcrypt hash.
 *
 * @param secretHash bcrypt of the secret part; kept out of {@code toString()} all the same
 * @param expiresAt  set at creation, or by a rotation to end the old key's grace period
 */
public record ApiKey(
        ApiKeyId id,
        String name,
        Set<Scope> scopes,
        TenantScope tenants,
        Instant createdAt,
        Optional<Instant> expiresAt,
        Optional<Instant> revokedAt,
        Optional<Instant> lastUsedAt,
        String secretHash) {

    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenants, "tenants");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(revokedAt, "revokedAt");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        Objects.requireNonNull(secretHash, "secretHash");
        if (name == null || name.isBlank() || name.length() > 100) {
            throw new IllegalArgumentException("name must be 1 to 100 characters");
        }
        scopes = Set.copyOf(Objects.requireNonNull(scopes, "scopes"));
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("a key needs at least one scope");
        }
    }

    /** Usable now: not revoked and not past its expiry (the expiry instant itself is past). */
    public boolean isActiveAt(Instant now) {
        return revokedAt.isEmpty() && expiresAt.map(now::isBefore).orElse(true);
    }

    public boolean actsFor(TenantId tenant) {
        return tenants.includes(tenant);
    }

    public ApiKey revoked(Instant at) {
        return new ApiKey(id, name, scopes, tenants, createdAt, expiresAt, Optional.of(at), lastUsedAt, secretHash);
    }

    /** Ends the key at {@code at} unless it already ends sooner. */
    public ApiKey expiringAt(Instant at) {
        Instant end = expiresAt.filter(existing -> existing.isBefore(at)).orElse(at);
        return new ApiKey(id, name, scopes, tenants, createdAt, Optional.of(end), revokedAt, lastUsedAt, secretHash);
    }

    public ApiKey usedAt(Instant at) {
        Instant latest = lastUsedAt.filter(existing -> existing.isAfter(at)).orElse(at);
        return new ApiKey(id, name, scopes, tenants, createdAt, expiresAt, revokedAt, Optional.of(latest), secretHash);
    }

    @Override
    public String toString() {
        return "ApiKey[" + id + ", " + name + ", scopes=" + scopes + "]";
    }
}
