package io.tokenbroker.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.BeanInstantiationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bad {@code tokenbroker.egress.allowed-hosts} entry stops the start, naming the setting and the entry. */
class EgressConfigurationTest {

    @Test
    void anEntryThatIsNoHostPatternOrCidrIsNamed() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> new EgressConfiguration(List.of("api.example.com", "10.0.0.0/33")).policy());

        assertTrue(refused.getMessage().startsWith("tokenbroker.egress.allowed-hosts: "), refused.getMessage());
        assertTrue(refused.getMessage().contains("10.0.0.0/33"), refused.getMessage());
    }

    @Test
    void itStopsTheStart() {
        assertThrows(BeanInstantiationException.class, () -> ApplicationContext.run(Map.of(
                "micronaut.server.port", -1, "tokenbroker.scheduler.ticker.enabled", false,
                "tokenbroker.egress.allowed-hosts", "api.example.com,*.*.example.com")).close());
    }
}
