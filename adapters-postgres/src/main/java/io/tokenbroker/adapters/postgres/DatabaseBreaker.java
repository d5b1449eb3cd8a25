package io.tokenbroker.adapters.postgres;

import io.tokenbroker.domain.resilience.CircuitBreaker;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One circuit breaker in front of every statement the broker's adapters send to PostgreSQL, so requests do not queue
 * behind a dead pool: after {@code failureThreshold} consecutive outage failures it refuses statements at once (a
 * {@link StorageUnavailableException} without touching the pool) for {@code openDuration}, then lets one statement
 * through as a probe. An answer that is an error of the statement itself (bad data, a constraint) proves the database
 * alive. The outage is logged once when it starts and once when it ends, and counted for metrics (this module stays
 * free of Micrometer). Thread-safe.
 */
public final class DatabaseBreaker {

    private static final System.Logger LOG = System.getLogger(DatabaseBreaker.class.getName());

    /** How many failures open the breaker and how long it stays open before a probe. */
    public record Settings(int failureThreshold, Duration openDuration) {
        public Settings {
            Objects.requireNonNull(openDuration, "openDuration");
        }

        /** Two failures in a row: one broken pooled connection after a restart does not open it. */
        public static Settings defaults() {
            return new Settings(2, Duration.ofSeconds(2));
        }
    }

    private final CircuitBreaker circuit;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicLong outages = new AtomicLong();
    private final AtomicLong failedCalls = new AtomicLong();
    private final AtomicLong refusedCalls = new AtomicLong();
    private volatile Runnable reachableAgain = () -> { };

    public DatabaseBreaker(Clock clock, Settings settings) {
        this.circuit = new CircuitBreaker(clock, settings.failureThreshold(), settings.openDuration());
    }

    /** A breaker with {@link Settings#defaults()}. */
    public static DatabaseBreaker withDefaults(Clock clock) {
        return new DatabaseBreaker(clock, Settings.defaults());
    }

    /**
     * Runs {@code statement} unless the breaker is open; a database failure becomes a
     * {@link StorageUnavailableException} naming {@code doing}, as with {@link Storage#call}.
     */
    public <T> T call(String doing, Supplier<T> statement) {
        if (!circuit.tryAcquirePermission()) {
            refusedCalls.incrementAndGet();
            throw new StorageUnavailableException(doing + " refused: the database is unavailable", null);
        }
        try {
            T result = Storage.call(doing, statement);
            succeeded();
            return result;
        } catch (StorageUnavailableException unavailable) {
            if (Storage.isPermanent(unavailable)) {
                succeeded();
            } else {
                failed(doing, unavailable);
            }
            throw unavailable;
        } catch (RuntimeException answered) {
            // Not a database failure (Storage passed it through): the database answered.
            succeeded();
            throw answered;
        }
    }

    /** As {@link #call}, for statements whose result does not matter. */
    public void run(String doing, Runnable statement) {
        call(doing, () -> {
            statement.run();
            return null;
        });
    }

    /**
     * Runs {@code action} each time the database answers again after an outage: the pool's connections opened before
     * a restart are all dead, and each would otherwise fail one statement and could open the breaker once more.
     */
    public void whenReachableAgain(Runnable action) {
        this.reachableAgain = Objects.requireNonNull(action, "action");
    }

    /** The breaker's state now: closed while the database answers. */
    public CircuitBreaker.State state() {
        return circuit.state();
    }

    /** True from the failure that opened the breaker until a statement succeeds again. */
    public boolean isDown() {
        return down.get();
    }

    /** Times the database went from reachable to unreachable since start. */
    public long outages() {
        return outages.get();
    }

    /** Statements that failed because the database could not be reached or did not answer in time. */
    public long failedCalls() {
        return failedCalls.get();
    }

    /** Statements refused at once while the breaker was open (answered from memory, or 503). */
    public long refusedCalls() {
        return refusedCalls.get();
    }

    private void succeeded() {
        circuit.onSuccess();
        if (down.get() && down.compareAndSet(true, false)) {
            LOG.log(Level.INFO, "PostgreSQL is reachable again after {0} failed and {1} refused statements",
                    failedCalls.get(), refusedCalls.get());
            try {
                reachableAgain.run();
            } catch (RuntimeException ignored) {
                // Best effort: a connection left behind fails one statement, which the breaker tolerates.
                LOG.log(Level.DEBUG, "could not renew the pool after the outage", ignored);
            }
        }
    }

    private void failed(String doing, StorageUnavailableException unavailable) {
        failedCalls.incrementAndGet();
        if (circuit.onFailure() == CircuitBreaker.Transition.OPENED && down.compareAndSet(false, true)) {
            outages.incrementAndGet();
            LOG.log(Level.WARNING, "PostgreSQL is unavailable (" + doing + ": " + unavailable.getMessage()
                    + "); serving from memory what this instance already read, refusing the rest, until it is back");
        }
    }
}
