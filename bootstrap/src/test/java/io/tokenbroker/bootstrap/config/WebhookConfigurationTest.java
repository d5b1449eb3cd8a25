package io.tokenbroker.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.tokenbroker.adapters.http.webhook.WebhookTargets;
import io.tokenbroker.domain.connection.TenantId;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Per-tenant receivers bind from configuration, the default serves the rest, and a wrong one stops the start. */
class WebhookConfigurationTest {

    private static final String SECRET = "a-webhook-secret-that-is-long-enough-0001";

    private static Map<String, Object> properties(Map<String, Object> webhooks) {
        Map<String, Object> properties = new HashMap<>(webhooks);
        properties.put("micronaut.server.port", -1);
        properties.put("tokenbroker.scheduler.ticker.enabled", false);
        return properties;
    }

    private static Optional<URI> urlOf(WebhookTargets targets, String tenant) {
        return targets.forTenant(new TenantId(tenant)).map(WebhookTargets.Target::url);
    }

    @Test
    void tenantsGetTheirOwnReceiverAndTheRestTheDefault() {
        try (ApplicationContext context = ApplicationContext.run(properties(Map.of(
                "tokenbroker.webhooks.url", "https://default.example/hook",
                "tokenbroker.webhooks.secret", SECRET,
                "tokenbroker.webhooks.tenants.acme.url", "https://acme.example/hook",
                "tokenbroker.webhooks.tenants.acme.secret", SECRET,
                "tokenbroker.webhooks.tenants.globex-eu.url", "https://globex.example/hook",
                "tokenbroker.webhooks.tenants.globex-eu.secret", SECRET)))) {
            WebhookTargets targets = context.getBean(WebhookTargets.class);

            assertEquals(Optional.of(URI.create("https://acme.example/hook")), urlOf(targets, "acme"));
            assertEquals(Optional.of(URI.create("https://globex.example/hook")), urlOf(targets, "globex-eu"));
            assertEquals(Optional.of(URI.create("https://default.example/hook")), urlOf(targets, "initech"));
        }
    }

    @Test
    void anIdThatIsNotAPropertyNameIsGivenExplicitlyAndEnvironmentVariableEchoesAreIgnored() {
        Map<String, Object> webhooks = new HashMap<>();
        webhooks.put("tokenbroker.webhooks.tenants.acme-corp-eu.tenant", "AcmeCorp.eu");
        webhooks.put("tokenbroker.webhooks.tenants.acme-corp-eu.url", "https://acme.example/hook");
        webhooks.put("tokenbroker.webhooks.tenants.acme-corp-eu.secret", SECRET);
        // What TOKENBROKER_WEBHOOKS_TENANTS_GLOBEX_URL / _SECRET also become besides the .globex.url entry.
        webhooks.put("tokenbroker.webhooks.tenants.globex.url", "https://globex.example/hook");
        webhooks.put("tokenbroker.webhooks.tenants.globex.secret", SECRET);
        webhooks.put("tokenbroker.webhooks.tenants.globex-url", "https://globex.example/hook");
        webhooks.put("tokenbroker.webhooks.tenants.globex-secret", SECRET);
        try (ApplicationContext context = ApplicationContext.run(properties(webhooks))) {
            WebhookTargets targets = context.getBean(WebhookTargets.class);

            assertEquals(Optional.of(URI.create("https://acme.example/hook")), urlOf(targets, "AcmeCorp.eu"));
            assertEquals(Optional.of(URI.create("https://globex.example/hook")), urlOf(targets, "globex"));
            assertEquals(Optional.empty(), urlOf(targets, "acme-corp-eu"), "the entry's name is not the tenant");
        }
    }

    @Test
    void withoutAnyReceiverNothingIsSent() {
        try (ApplicationContext context = ApplicationContext.run(properties(Map.of()))) {
            assertTrue(context.getBean(WebhookTargets.class).isEmpty());
        }
    }

    @Test
    void aShortSecretStopsTheStartWithoutShowingIt() {
        RuntimeException refused = assertThrows(RuntimeException.class, () -> ApplicationContext.run(properties(Map.of(
                "tokenbroker.webhooks.tenants.acme.url", "https://acme.example/hook",
                "tokenbroker.webhooks.tenants.acme.secret", "short-secret-value"))).close());

        String messages = messages(refused);
        assertTrue(messages.contains("tokenbroker.webhooks.tenants.acme"), messages);
        assertFalse(messages.contains("short-secret-value"), messages);
    }

    @Test
    void aTenantWithoutAUrlStopsTheStart() {
        RuntimeException refused = assertThrows(RuntimeException.class, () -> ApplicationContext.run(properties(Map.of(
                "tokenbroker.webhooks.tenants.acme.secret", SECRET))).close());

        assertTrue(messages(refused).contains("tokenbroker.webhooks.tenants.acme.url is missing"), messages(refused));
    }

    @Test
    void aReceiverAtTheCloudMetadataAddressStopsTheStart() {
        RuntimeException refused = assertThrows(RuntimeException.class, () -> ApplicationContext.run(properties(Map.of(
                "tokenbroker.webhooks.tenants.acme.url", "http://169.254.169.254/hook",
                "tokenbroker.webhooks.tenants.acme.secret", SECRET))).close());

        assertTrue(messages(refused).contains("tokenbroker.webhooks.tenants.acme.url is refused by the egress policy"),
                messages(refused));
    }

    private static String messages(Throwable thrown) {
        StringBuilder all = new StringBuilder();
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            all.append(cause.getMessage()).append('\n');
        }
        return all.toString();
    }
}
