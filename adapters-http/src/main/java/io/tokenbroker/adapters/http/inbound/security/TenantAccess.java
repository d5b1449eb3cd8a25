package io.tokenbroker.adapters.http.inbound.security;

import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.TenantId;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a caller asking for a tenant its key is not scoped to, as if the connection did not exist (404, not
 * 403): a key must not learn which other tenants there are. The attempt is logged with the key id.
 */
public final class TenantAccess {

    private static final Logger LOG = LoggerFactory.getLogger(TenantAccess.class);

    private TenantAccess() {
    }

    /**
     * Reads the caller from the request rather than as a bound argument, so the endpoints also run with security
     * switched off ({@code micronaut.security.enabled=false}, for a benchmark of the unauthenticated path), where no
     * caller exists; {@code @Secured} keeps anonymous callers out whenever security is on.
     *
     * @return the key, once the caller may act for its tenant
     */
    public static ConnectionKey require(HttpRequest<?> request, ConnectionKey key) {
        Optional<Authentication> authenticated = request.getUserPrincipal(Authentication.class);
        if (authenticated.isEmpty()) {
            return key;
        }
        Authentication caller = authenticated.get();
        Object tenants = caller.getAttributes().get(ApiKeyAuthenticationFetcher.TENANTS);
        if (tenants instanceof Collection<?> allowed && !allowed.contains(key.tenant().value())) {
            LOG.warn("API key {} asked for tenant {} outside its scope", caller.getName(), key.tenant());
            throw new ConnectionNotFoundException(key);
        }
        return key;
    }

    /** The tenants a caller may see: empty when its key is for every tenant (or security is switched off). */
    public static Optional<Set<TenantId>> visibleTenants(HttpRequest<?> request) {
        Optional<Authentication> caller = request.getUserPrincipal(Authentication.class);
        if (caller.isEmpty()) {
            return Optional.empty();
        }
        Object tenants = caller.get().getAttributes().get(ApiKeyAuthenticationFetcher.TENANTS);
        if (tenants instanceof Collection<?> allowed) {
            return Optional.of(allowed.stream().map(Object::toString).map(TenantId::of)
                    .collect(Collectors.toUnmodifiableSet()));
        }
        return Optional.empty();
    }
}
