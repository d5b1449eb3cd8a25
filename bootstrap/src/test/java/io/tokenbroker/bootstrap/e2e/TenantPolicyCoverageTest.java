package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import io.tokenbroker.adapters.http.inbound.security.TenantScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every route that names a tenant is under the tenant policy: a new controller cannot forget it unnoticed. */
@MicronautTest
class TenantPolicyCoverageTest {

    @Inject
    Router router;

    @Test
    void everyRouteNamingATenantIsTenantScoped() {
        List<UriRouteInfo<?, ?>> tenantRoutes = router.uriRoutes()
                .filter(route -> route.getUriMatchTemplate().toString().contains("{tenant}"))
                .<UriRouteInfo<?, ?>>map(route -> route).toList();

        assertTrue(tenantRoutes.size() >= 8, "found " + tenantRoutes.size() + " tenant routes");
        List<String> unguarded = tenantRoutes.stream()
                .filter(route -> !route.getAnnotationMetadata().hasAnnotation(TenantScoped.class))
                .map(route -> route.getHttpMethodName() + " " + route.getUriMatchTemplate()).toList();
        assertEquals(List.of(), unguarded);
    }
}
