package io.tokenbroker.bootstrap.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenbroker.adapters.http.webhook.WebhookConnectionEvents;
import io.tokenbroker.application.port.out.ConnectionEvents;
import io.tokenbroker.domain.connection.ConnectionEvent;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Counts connection events by type (labels: the type only, never a tenant or connection) and, when webhooks are
 * configured, exposes their deliveries; without webhooks those read 0, so alerts and dashboards do not depend on the
 * deployment. Every meter is registered up front so a type that never happened still shows 0. Closing it closes the
 * webhooks, which get their shutdown grace then.
 */
public final class MeteredConnectionEvents implements ConnectionEvents, AutoCloseable {

    static final String EVENTS = "tokenbroker.connection.events";
    static final String DELIVERIES = "tokenbroker.webhook.deliveries";
    static final String PENDING = "tokenbroker.webhook.pending";

    private final ConnectionEvents events;
    private final Map<ConnectionEvent.Type, Counter> counters = new EnumMap<>(ConnectionEvent.Type.class);
    private final Optional<WebhookConnectionEvents> webhooks;

    public MeteredConnectionEvents(ConnectionEvents events, Optional<WebhookConnectionEvents> webhooks,
                                   MeterRegistry registry) {
        this.events = events;
        for (ConnectionEvent.Type type : ConnectionEvent.Type.values()) {
            counters.put(type, Counter.builder(EVENTS).description("Connection events published, by type")
                    .tag("type", type.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        this.webhooks = webhooks;
        deliveries(registry, "delivered", WebhookConnectionEvents::delivered);
        deliveries(registry, "retried", WebhookConnectionEvents::retried);
        deliveries(registry, "given_up", WebhookConnectionEvents::givenUp);
        deliveries(registry, "dropped", WebhookConnectionEvents::dropped);
        deliveries(registry, "refused", WebhookConnectionEvents::refused);
        deliveries(registry, "lost_at_shutdown", WebhookConnectionEvents::lostAtShutdown);
        Gauge.builder(PENDING, this, self -> self.read(WebhookConnectionEvents::pending))
                .description("Webhook events waiting, in flight or between retries").register(registry);
    }

    private void deliveries(MeterRegistry registry, String outcome, ToDoubleFunction<WebhookConnectionEvents> count) {
        FunctionCounter.builder(DELIVERIES, this, self -> self.read(count))
                .description("Webhook delivery attempts and events by outcome: delivered, retried (an attempt that "
                        + "failed and is tried again), given_up (after the last attempt), dropped (the receiver's "
                        + "backlog full), refused (the egress policy refuses the receiver's address), lost_at_shutdown "
                        + "(unfinished when the instance stopped)")
                .tag("outcome", outcome).register(registry);
    }

    private double read(ToDoubleFunction<WebhookConnectionEvents> count) {
        return webhooks.map(count::applyAsDouble).orElse(0.0);
    }

    @Override
    public void publish(ConnectionEvent event) {
        counters.get(event.type()).increment();
        events.publish(event);
    }

    @Override
    public List<ConnectionEvent> recent(int limit) {
        return events.recent(limit);
    }

    @Override
    public void close() {
        webhooks.ifPresent(WebhookConnectionEvents::close);
    }

    /** Webhook events given up when {@link #close} ended their grace, or published after it began; 0 without any. */
    public long webhooksLostAtShutdown() {
        return webhooks.map(WebhookConnectionEvents::lostAtShutdown).orElse(0L);
    }
}
