package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.apikey.ApiKeyId;
import io.tokenbroker.domain.apikey.Scope;
import io.tokenbroker.domain.apikey.TenantScope;
import io.tokenbroker.domain.connection.TenantId;
import java.util.Objects;
import java.util.Set;

/** An authenticated caller: which key, what it may do, for which tenants. */
public record Caller(ApiKeyId keyId, Set<Scope> scopes, TenantScope tenants) {

    public Caller {
        Objects.requireNonNull(keyId, "keyId");
        scopes = Set.copyOf(scopes);
        Objects.requireNonNull(tenants, "tenants");
    }

    /** What the caller may use, {@link Scope#grantedBy admin implying every scope}. */
    public Set<Scope> grantedScopes() {
        return Scope.grantedBy(scopes);
    }

    public boolean actsFor(TenantId tenant) {
        return tenants.includes(tenant);
    }
}
