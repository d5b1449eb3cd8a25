package io.tokenbroker.domain.resilience;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One connection's circuit as it is kept, in process or shared by every instance: a value that
 * {@link CircuitPolicy} moves and a {@link CircuitBreaker.Cell} swaps atomically. Two circuits are equal when every
 * field is, which is what a compare-and-set compares.
 *
 * @param consecutiveFailures failed calls since the last success
 * @param open                present while the circuit is open or half-open
 */
public record Circuit(int consecutiveFailures, Optional<Open> open) {

    /** No failure recorded: what a connection that never failed, or just recovered, has. */
    public static final Circuit CLOSED = new Circuit(0, Optional.empty());

    /**
     * An outage in progress.
     *
     * @param since      when the circuit opened in this outage (its age decides how fast probes come)
     * @param until      when the current open period ends; from then on it is half-open and lets one probe through
     * @param period     the length of the current open period
     * @param probeSince when the probe in flight was let through; empty when none is
     */
    public record Open(Instant since, Instant until, Duration period, Optional<Instant> probeSince) {
        public Open {
            Objects.requireNonNull(since, "since");
            Objects.requireNonNull(until, "until");
            Objects.requireNonNull(period, "period");
            Objects.requireNonNull(probeSince, "probeSince");
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("an open period must be positive");
            }
        }
    }

    public Circuit {
        Objects.requireNonNull(open, "open");
        if (consecutiveFailures < 0) {
            throw new IllegalArgumentException("failures must not be negative");
        }
    }

    public boolean isClosed() {
        return open.isEmpty();
    }
}
