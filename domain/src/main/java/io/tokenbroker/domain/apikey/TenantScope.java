package io.tokenbroker.domain.apikey;

import io.tokenbroker.domain.connection.TenantId;
import java.util.Objects;
import java.util.Set;

/**
 * The tenants an API key may act for: every tenant, or a fixed set.
 *
 * @param tenants empty when {@code all}
 */
public record TenantScope(boolean all, Set<TenantId> tenants) {

    public TenantScope {
        tenants = Set.copyOf(Objects.requireNonNull(tenants, "tenants"));
        if (all && !tenants.isEmpty()) {
            throw new IllegalArgumentException("a key for all tenants lists none");
        }
        if (!all && tenants.isEmpty()) {
            throw new IllegalArgumentException("a key must be scoped to at least one tenant, or to all");
        }
    }

    public static TenantScope allTenants() {
        return new TenantScope(true, Set.of());
    }

    public static TenantScope only(Set<TenantId> tenants) {
        return new TenantScope(false, tenants);
    }

    public boolean includes(TenantId tenant) {
        return all || tenants.contains(tenant);
    }
}
