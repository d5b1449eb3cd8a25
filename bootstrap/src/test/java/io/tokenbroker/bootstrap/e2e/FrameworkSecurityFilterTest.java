package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Property;
import io.micronaut.security.filters.SecurityFilter;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.tokenbroker.adapters.http.inbound.security.ImmediateSecurityFilter;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The same cases with micronaut-security's own filter switched back on, the reference the broker's must match. */
@MicronautTest
@Property(name = VerdictHeaderRule.ENABLED, value = "true")
@Property(name = "tokenbroker.security.max-failures", value = "1000")
@Property(name = "micronaut.security.filter.enabled", value = "true")
class FrameworkSecurityFilterTest extends SecurityDecisionCases {

    @Inject
    ApplicationContext context;

    @Test
    void theFrameworkFilterAloneIsInPlace() {
        assertTrue(context.containsBean(SecurityFilter.class));
        assertFalse(context.containsBean(ImmediateSecurityFilter.class));
        String reader = issue("token:read", "acme");
        get(TOKEN, reader, null);
        assertEquals(200, get(TOKEN, reader, null).statusCode());
        assertTrue(verdicts.lastAskedByTheFrameworkFilter());
    }
}
