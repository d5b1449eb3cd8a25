package io.tokenbroker.adapters.http.inbound.security;

import io.micronaut.aop.InterceptorBean;
import io.micronaut.aop.MethodInterceptor;
import io.micronaut.aop.MethodInvocationContext;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.context.ServerRequestContext;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.UriRouteMatch;
import io.tokenbroker.application.port.in.ConnectionNotFoundException;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.TenantId;
import jakarta.inject.Singleton;
import java.security.Principal;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's one tenant policy: on every {@link TenantScoped} controller, a route whose path names a
 * {@code {tenant}} is refused to a caller whose key is not scoped to that tenant, as if the connection did not
 * exist (404, not 403): a key must not learn which other tenants there are. The attempt is logged with the key id.
 * Scopes are the other half of the policy: each route declares the one it needs with {@code @Secured}, and a caller
 * holds the scopes its key grants ({@code Scope.grantedBy}: admin implies every scope).
 *
 * <p>An interceptor rather than a filter: it runs where the controller did its own check before, after the body
 * is validated, on the request's thread with its log context, and its refusal goes through the same exception
 * mapping as a missing connection. With security switched off ({@code micronaut.security.enabled=false}, for a
 * benchmark of the unauthenticated path) there is no caller and nothing to refuse.
 */
@Singleton
@InterceptorBean(TenantScoped.class)
public final class TenantAccess implements MethodInterceptor<Object, Object> {

    static final String TENANT_VARIABLE = "tenant";
    static final String CONNECTION_VARIABLE = "connection";
    private static final Logger LOG = LoggerFactory.getLogger(TenantAccess.class);

    @Override
    @Nullable
    public Object intercept(MethodInvocationContext<Object, Object> context) {
        ServerRequestContext.currentRequest().ifPresent(TenantAccess::requireTenant);
        return context.proceed();
    }

    /**
     * The tenants a caller may see: empty when its key is for every tenant (or security is switched off). Lists
     * filter by it; routes naming a tenant are refused outside it.
     */
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

    private static void requireTenant(HttpRequest<?> request) {
        Optional<Set<TenantId>> visible = visibleTenants(request);
        Optional<ConnectionKey> asked = visible.flatMap(tenants -> askedFor(request));
        if (asked.isPresent() && !visible.get().contains(asked.get().tenant())) {
            LOG.warn("API key {} asked for tenant {} outside its scope",
                    request.getUserPrincipal().map(Principal::getName).orElse("?"), asked.get().tenant());
            throw new ConnectionNotFoundException(asked.get());
        }
    }

    /**
     * The connection the matched route names; empty for routes without a tenant, and for malformed names, which
     * the controller refuses with a 400 as it would for any caller.
     */
    private static Optional<ConnectionKey> askedFor(HttpRequest<?> request) {
        Map<String, Object> variables = RouteAttributes.getRouteMatch(request)
                .filter(UriRouteMatch.class::isInstance)
                .map(match -> ((UriRouteMatch<?, ?>) match).getVariableValues()).orElse(Map.of());
        Object tenant = variables.get(TENANT_VARIABLE);
        Object connection = variables.get(CONNECTION_VARIABLE);
        if (tenant == null || connection == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ConnectionKey.of(tenant.toString(), connection.toString()));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }
}
