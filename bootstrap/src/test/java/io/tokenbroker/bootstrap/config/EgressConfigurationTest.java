package io.tokenbroker.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the egress settings stop at start-up; nothing here opens a connection. */
class EgressConfigurationTest {

    private static final String SECRET = "a-webhook-secret-that-is-long-enough-0001";

    private static Map<String, Object> properties(Map<String, Object> settings) {
        Map<String, Object> properties = new HashMap<>(settings);
        properties.put("micronaut.server.port", -1);
        properties.put("tokenbroker.scheduler.ticker.enabled", false);
        return properties;
    }

    @Test
    void anAllowedHostsEntryThatIsNoHostPatternOrCidrStopsTheStartNamingIt() {
        RuntimeException refused = assertThrows(RuntimeException.class, () -> ApplicationContext.run(properties(
                Map.of("tokenbroker.egress.allowed-hosts", "api.example.com,10.0.0.0/33"))).close());

        String messages = messages(refused);
        assertTrue(messages.contains("tokenbroker.egress.allowed-hosts"), messages);
        assertTrue(messages.contains("10.0.0.0/33"), messages);
    }

    @Test
    void aWebhookReceiverAtTheMetadataAddressStopsTheStart() {
        RuntimeException refused = assertThrows(RuntimeException.class, () -> ApplicationContext.run(properties(Map.of(
                "tokenbroker.webhooks.tenants.acme.url", "http://169.254.169.254/hook",
                "tokenbroker.webhooks.tenants.acme.secret", SECRET))).close());

        String messages = messages(refused);
        assertTrue(messages.contains("tokenbroker.webhooks.tenants.acme.url is refused by the egress policy"),
                messages);
    }

    private static String messages(Throwable thrown) {
        StringBuilder all = new StringBuilder();
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            all.append(cause.getMessage()).append('\n');
        }
        return all.toString();
    }
}
