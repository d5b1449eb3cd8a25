package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.tokenbroker.application.service.ProactiveRefreshService;
import io.tokenbroker.domain.resilience.Backoff;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * {@code tokenbroker.scheduler.*}: refresh-ahead.
 *
 * @param enabled     renew tokens at their refresh-ahead point in the background
 * @param tick        how often due work is looked for (also {@code tokenbroker.scheduler.tick} in {@code @Scheduled})
 * @param idleAfter   connections nobody asked for this long are not refreshed ahead
 * @param concurrency proactive refreshes in flight at most, per instance
 * @param backoffBase first retry delay after a failed proactive refresh (full jitter, doubling)
 * @param backoffCap  longest retry delay
 */
@ConfigurationProperties("tokenbroker.scheduler")
public record SchedulerConfiguration(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "1s") Duration tick,
        @Bindable(defaultValue = "24h") Duration idleAfter,
        @Bindable(defaultValue = "4") int concurrency,
        @Bindable(defaultValue = "5s") Duration backoffBase,
        @Bindable(defaultValue = "5m") Duration backoffCap) {

    public ProactiveRefreshService.Settings settings(RandomGenerator random) {
        return new ProactiveRefreshService.Settings(idleAfter, concurrency, new Backoff(backoffBase, backoffCap, random));
    }
}
