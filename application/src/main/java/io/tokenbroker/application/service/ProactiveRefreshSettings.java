package io.tokenbroker.application.service;

import io.tokenbroker.domain.resilience.Backoff;
import java.time.Duration;
import java.util.Objects;

/**
 * Refresh-ahead settings.
 *
 * @param idleAfter       connections nobody asked for this long are not refreshed ahead; at least
 *                        {@link #MIN_IDLE_AFTER}
 * @param concurrency     proactive refreshes in flight at most, in this instance
 * @param backoff         delays between failed proactive refreshes of one token
 * @param claimFor        how long a claim lasts before another instance may take the entry over: longer than
 *                        one refresh can take (lease wait, retries, upstream timeouts)
 * @param keepAliveMargin the most time before a refresh token's expiry at which an idle connection is refreshed
 *                        (otherwise a tenth of the refresh token's life since the last refresh)
 * @param lookAhead       how far ahead of its due time an entry is claimed; its refresh still starts at the due time.
 *                        At least the time between two looks for due work (the tick), so that an entry due between
 *                        two ticks is started when due rather than at the next tick, which on short tokens eats the
 *                        margin between the refresh-ahead point and the end of the servable window; zero claims only
 *                        what is due
 */
public record ProactiveRefreshSettings(Duration idleAfter, int concurrency, Backoff backoff, Duration claimFor,
                                       Duration keepAliveMargin, Duration lookAhead) {

    /**
     * The shortest {@code idleAfter}: demand is recorded at most once a {@link ScheduleOffers#DEMAND_RESOLUTION} per
     * connection and instance, and compared on another instance's clock a tick or more later (and is lost while the
     * schedule's store is down), so a shorter window makes connections in constant use look idle.
     */
    public static final Duration MIN_IDLE_AFTER = ScheduleOffers.DEMAND_RESOLUTION.multipliedBy(5);

    public ProactiveRefreshSettings {
        Objects.requireNonNull(idleAfter, "idleAfter");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(claimFor, "claimFor");
        Objects.requireNonNull(keepAliveMargin, "keepAliveMargin");
        Objects.requireNonNull(lookAhead, "lookAhead");
        if (idleAfter.compareTo(MIN_IDLE_AFTER) < 0) {
            throw new IllegalArgumentException("idleAfter is " + idleAfter + " but must be at least "
                    + MIN_IDLE_AFTER + ": demand is recorded about once a minute per connection, so a shorter "
                    + "window would make connections in constant use look idle");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        if (claimFor.isNegative() || claimFor.isZero()) {
            throw new IllegalArgumentException("a claim must last a positive time");
        }
        if (keepAliveMargin.isNegative() || keepAliveMargin.isZero()) {
            throw new IllegalArgumentException("the keep-alive margin must be positive");
        }
        if (lookAhead.isNegative()) {
            throw new IllegalArgumentException("the look-ahead must not be negative");
        }
    }
}
