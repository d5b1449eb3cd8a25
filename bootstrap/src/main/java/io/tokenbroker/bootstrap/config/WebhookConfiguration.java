package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.tokenbroker.adapters.http.webhook.WebhookConnectionEvents;
import io.tokenbroker.domain.resilience.Backoff;
import java.net.URI;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * {@code tokenbroker.webhooks.*}: the default receiver of connection events and how deliveries behave. Tenants with
 * their own receiver are {@link TenantWebhookConfiguration} ({@code tokenbroker.webhooks.tenants.<tenant>.*}).
 *
 * @param url         the default receiver (env {@code TOKENBROKER_WEBHOOKS_URL}): every tenant without its own
 * @param secret      signs what goes to {@code url}; at least 32 characters
 * @param backoffBase first retry delay (full jitter, doubling)
 * @param backoffCap  longest retry delay
 * @param maxAttempts attempts per event, the first included
 * @param timeout     the longest one attempt may take, the answer's body included; then it is cancelled and retried
 * @param capacity    events of one receiver waiting, in flight or between retries at most; beyond it that receiver's
 *                    events are dropped and counted
 * @param inFlightPerReceiver attempts on the wire to one receiver at once, at most
 * @param shutdownGrace how long closing the application lets unfinished deliveries finish; the rest are counted lost
 * @param threads     delivery threads: they start attempts and handle their outcomes, never wait for a receiver
 */
@ConfigurationProperties("tokenbroker.webhooks")
public record WebhookConfiguration(
        @Nullable URI url,
        @Nullable String secret,
        @Bindable(defaultValue = "1s") Duration backoffBase,
        @Bindable(defaultValue = "1m") Duration backoffCap,
        @Bindable(defaultValue = "8") int maxAttempts,
        @Bindable(defaultValue = "10s") Duration timeout,
        @Bindable(defaultValue = "10000") int capacity,
        @Bindable(defaultValue = "4") int inFlightPerReceiver,
        @Bindable(defaultValue = "5s") Duration shutdownGrace,
        @Bindable(defaultValue = "2") int threads) {

    public WebhookConnectionEvents.Settings settings(RandomGenerator random) {
        return new WebhookConnectionEvents.Settings(new Backoff(backoffBase, backoffCap, random), maxAttempts, timeout,
                capacity, inFlightPerReceiver, shutdownGrace);
    }

    @Override
    public String toString() {
        return "WebhookConfiguration[url=" + (url != null) + ", secret=***, maxAttempts=" + maxAttempts
                + ", capacity=" + capacity + ", inFlightPerReceiver=" + inFlightPerReceiver + ", shutdownGrace="
                + shutdownGrace + "]";
    }
}
