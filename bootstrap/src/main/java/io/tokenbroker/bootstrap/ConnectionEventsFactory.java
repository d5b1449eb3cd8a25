package io.tokenbroker.bootstrap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.json.JsonMapper;
import io.tokenbroker.adapters.http.upstream.EgressDnsResolver;
import io.tokenbroker.adapters.http.upstream.EgressGuard;
import io.tokenbroker.adapters.http.webhook.WebhookConnectionEvents;
import io.tokenbroker.adapters.http.webhook.WebhookTargets;
import io.tokenbroker.application.inmemory.InMemoryConnectionEvents;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.bootstrap.config.TenantWebhookConfiguration;
import io.tokenbroker.bootstrap.config.WebhookConfiguration;
import io.tokenbroker.bootstrap.metrics.MeteredConnectionEvents;
import io.tokenbroker.domain.connection.InvalidIdentifierException;
import io.tokenbroker.domain.connection.TenantId;
import io.tokenbroker.domain.egress.EgressRefusal;
import io.tokenbroker.domain.egress.SavedBy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Connection events: always logged and kept in memory; also POSTed to webhooks when a default receiver
 * ({@code tokenbroker.webhooks.url}) or tenants' own ({@code tokenbroker.webhooks.tenants.<tenant>.url}) are
 * configured. A receiver configured wrongly (no secret, a short one, a bad URL or tenant id, an address the egress
 * policy refuses even to operators) fails the start: events an operator relies on must not be lost silently.
 */
@Factory
public class ConnectionEventsFactory {

    static final String EXECUTOR = "webhook-deliveries";
    /** Events kept for the API, newest first. */
    private static final int RECENT_CAPACITY = 1_000;

    /**
     * Threads start on the first delivery, so an instance without webhooks runs none. Shut down after the connection
     * events (they depend on it), whose close has by then given unfinished deliveries their grace and counted the rest.
     */
    @Singleton
    @Named(EXECUTOR)
    @Bean(preDestroy = "shutdownNow")
    ScheduledExecutorService webhookDeliveries(WebhookConfiguration config) {
        AtomicInteger count = new AtomicInteger();
        return new ScheduledThreadPoolExecutor(Math.max(1, config.threads()), runnable -> {
            Thread thread = new Thread(runnable, EXECUTOR + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Singleton
    WebhookTargets webhookTargets(WebhookConfiguration config, List<TenantWebhookConfiguration> tenants,
                                  EgressGuard egress) {
        Map<TenantId, WebhookTargets.Target> perTenant = new HashMap<>();
        for (TenantWebhookConfiguration tenant : tenants) {
            if (!tenant.isReceiver()) {
                continue;
            }
            String prefix = "tokenbroker.webhooks.tenants." + tenant.name();
            TenantId id;
            try {
                id = new TenantId(tenant.tenantId());
            } catch (InvalidIdentifierException invalid) {
                throw new IllegalStateException(prefix + ": not a valid tenant id", invalid);
            }
            if (perTenant.put(id, target(prefix, tenant.url(), tenant.secret(), egress)) != null) {
                throw new IllegalStateException(prefix + ": another entry already names tenant " + id.value());
            }
        }
        Optional<WebhookTargets.Target> fallback = config.url() == null ? Optional.empty()
                : Optional.of(target("tokenbroker.webhooks", config.url(), config.secret(), egress));
        return new WebhookTargets(perTenant, fallback);
    }

    private static WebhookTargets.Target target(String prefix, URI url, String secret, EgressGuard egress) {
        if (url == null) {
            throw new IllegalStateException(prefix + ".url is missing");
        }
        // Receivers are operator configuration: checked as an operator's connection would be.
        Optional<EgressRefusal> refusal = egress.checkAtSave(url, SavedBy.OPERATOR);
        if (refusal.isPresent()) {
            throw new IllegalStateException(prefix + ".url is refused by the egress policy: "
                    + refusal.get().detail() + " (list its exact host or CIDR in tokenbroker.egress.allowed-hosts)");
        }
        try {
            return WebhookTargets.Target.of(url, secret);
        } catch (IllegalArgumentException invalid) {
            // The message names the rule, never the value: the value may be the secret.
            throw new IllegalStateException(prefix + ": " + invalid.getMessage());
        }
    }

    /**
     * Closed at shutdown: unfinished webhook deliveries get {@code tokenbroker.webhooks.shutdown-grace}, then the
     * webhook HTTP client is closed with its connections and I/O thread.
     */
    @Singleton
    @Bean(preDestroy = "close")
    MeteredConnectionEvents connectionEvents(WebhookTargets targets, WebhookConfiguration config, JsonMapper json,
                                      EgressGuard egress, Clock clock, RandomGenerator random,
                                      @Named(EXECUTOR) ScheduledExecutorService deliveries, MeterRegistry registry) {
        InMemoryConnectionEvents recent = new InMemoryConnectionEvents(RECENT_CAPACITY);
        if (targets.isEmpty()) {
            return new MeteredConnectionEvents(recent, Optional.empty(), registry);
        }
        // Receivers are operator configuration: judged as an operator's connection, when each connection is opened.
        // The events own the HTTP client this resolver serves and close it with themselves (this bean's preDestroy).
        WebhookConnectionEvents webhooks = new WebhookConnectionEvents(recent, targets, json,
                new EgressDnsResolver(egress, SavedBy.OPERATOR), clock, random, config.settings(random), deliveries);
        return new MeteredConnectionEvents(webhooks, Optional.of(webhooks), registry);
    }
}
