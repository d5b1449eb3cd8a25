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

/** The broker's configuration: {@code ImmediateSecurityFilter} in place of micronaut-security's filter. */
@MicronautTest
@Property(name = VerdictHeaderRule.ENABLED, value = "true")
@Property(name = "tokenbroker.security.max-failures", value = "1000")
class ImmediateSecurityFilterTest extends SecurityDecisionCases {

    @Inject
    ApplicationContext context;

    @Test
    void theImmediateFilterReplacesTheFrameworkFilter() {
        assertTrue(context.containsBean(ImmediateSecurityFilter.class));
        assertFalse(context.containsBean(SecurityFilter.class));
    }

    @Test
    void aNewKeyIsDecidedByTheFrameworkPathAndAVerifiedOneWithoutIt() {
        String reader = issue("token:read", "acme");

        assertEquals(200, get(TOKEN, reader, null).statusCode());
        assertTrue(verdicts.lastAskedByTheFrameworkFilter(), "a key to verify: the framework's reactive path");
        assertEquals(200, get(TOKEN, reader, null).statusCode());
        assertFalse(verdicts.lastAskedByTheFrameworkFilter(), "a verified key: decided without it");
        assertEquals(401, get(TOKEN, null, null).statusCode());
        assertFalse(verdicts.lastAskedByTheFrameworkFilter(), "no key: decided without it");
    }
}
