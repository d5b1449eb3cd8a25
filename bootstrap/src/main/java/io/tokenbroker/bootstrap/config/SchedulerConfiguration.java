package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.tokenbroker.application.service.ProactiveRefreshSettings;
import io.tokenbroker.domain.resilience.Backoff;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * {@code tokenbroker.scheduler.*}: refresh-ahead.
 *
 * @param enabled         renew tokens at their refresh-ahead point in the background ({@code false} takes the whole
 *                        of refresh-ahead out; {@code tokenbroker.scheduler.ticker.enabled=false} only its timer)
 * @param tick            how often due work is looked for (also {@code tokenbroker.scheduler.tick} in
 *                        {@code @Scheduled})
 * @param idleAfter       connections nobody asked any instance for this long are not refreshed ahead
 * @param concurrency     proactive refreshes in flight at most, per instance
 * @param backoffBase     first retry delay after a failed proactive refresh (full jitter, doubling)
 * @param backoffCap      longest retry delay
 * @param claimTimeout    how long an instance holds a claimed entry before another may take it over (the claimer
 *                        died or stalled); longer than one refresh can take, lease wait and retries included
 * @param keepAliveMargin the most time before its refresh token expires at which an idle connection is refreshed
 *                        to keep the refresh token alive (a tenth of its life since the last refresh if shorter)
 * @param lookAhead       how long before its due time an entry is claimed (its refresh starts when due); unset, a
 *                        tick and a half. Tests that call the scheduler by hand on a moved clock set 0s
 */
@ConfigurationProperties("tokenbroker.scheduler")
public record SchedulerConfiguration(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "1s") Duration tick,
        @Bindable(defaultValue = "24h") Duration idleAfter,
        @Bindable(defaultValue = "4") int concurrency,
        @Bindable(defaultValue = "5s") Duration backoffBase,
        @Bindable(defaultValue = "5m") Duration backoffCap,
        @Bindable(defaultValue = "2m") Duration claimTimeout,
        @Bindable(defaultValue = "1d") Duration keepAliveMargin,
        @Nullable Duration lookAhead) {

    /** Ticks missed in a row before the scheduler's health turns DOWN (never less than a minute). */
    private static final int STALE_TICKS = 10;

    public ProactiveRefreshSettings settings(RandomGenerator random) {
        return new ProactiveRefreshSettings(idleAfter, concurrency, new Backoff(backoffBase, backoffCap, random),
                claimTimeout, keepAliveMargin, effectiveLookAhead());
    }

    /**
     * By default a tick and a half: with a fixed delay between ticks, a look comes a tick plus the previous look's
     * own run time after the last, and whatever falls due before it must already be claimed.
     */
    Duration effectiveLookAhead() {
        return lookAhead != null ? lookAhead : tick.plus(tick.dividedBy(2));
    }

    /** How long without a tick before the scheduler counts as stuck. */
    public Duration staleAfter() {
        Duration ticks = tick.multipliedBy(STALE_TICKS);
        return ticks.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : ticks;
    }
}
