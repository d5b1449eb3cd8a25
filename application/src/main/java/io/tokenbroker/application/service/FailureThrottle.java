package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.AuthenticateCaller.Throttled;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Failed authentications per counter (an address, a key id) in fixed windows, plus the attempts still being verified.
 * Counting those in flight as failures-to-be is what keeps a burst of wrong secrets from starting many bcrypt runs
 * before the first of them has failed: once failures and attempts in flight reach the limit, the next is refused.
 */
final class FailureThrottle {

    /** While only attempts in flight hold a counter at its limit, retry after about one verification. */
    private static final Duration IN_FLIGHT_RETRY = Duration.ofSeconds(1);

    private record Window(Instant start, int failures) {
    }

    private final int maxFailures;
    private final Duration failureWindow;
    private final ConcurrentMap<String, Window> failures = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Integer> inFlight = new ConcurrentHashMap<>();

    FailureThrottle(int maxFailures, Duration failureWindow) {
        this.maxFailures = maxFailures;
        this.failureWindow = failureWindow;
    }

    /** @throws Throttled when failures in this window plus attempts in flight reach the limit */
    void refuseIfThrottled(String counter, Instant now) {
        int pending = inFlight.getOrDefault(counter, 0);
        Window window = failures.get(counter);
        if (window != null && !now.isBefore(window.start().plus(failureWindow))) {
            failures.remove(counter, window);
            window = null;
        }
        int failed = window == null ? 0 : window.failures();
        if (failed + pending < maxFailures) {
            return;
        }
        throw new Throttled(failed >= maxFailures
                ? Duration.between(now, window.start().plus(failureWindow)) : IN_FLIGHT_RETRY);
    }

    void countFailure(String counter, Instant now) {
        failures.compute(counter, (k, window) -> window == null
                || !now.isBefore(window.start().plus(failureWindow))
                ? new Window(now, 1) : new Window(window.start(), window.failures() + 1));
    }

    /** An attempt for this counter starts verifying; pair with {@link #finished}. */
    void started(String counter) {
        inFlight.merge(counter, 1, Integer::sum);
    }

    /** The attempt {@link #started} for this counter is over; {@code failed} counts it as a failure. */
    void finished(String counter, boolean failed, Instant now) {
        if (failed) {
            countFailure(counter, now);
        }
        inFlight.computeIfPresent(counter, (k, n) -> n <= 1 ? null : n - 1);
    }
}
