package io.tokenbroker.bootstrap.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tokenbroker.application.port.out.LockManager;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Times how long callers wait for a connection's lease, by whether they got it: {@code true}, {@code false} (the wait
 * ran out; alerted on), or {@code unneeded} (the holder on another instance stored the token meanwhile and the
 * waiter took that instead).
 */
public final class MeteredLockManager implements LockManager {

    static final String WAIT = "tokenbroker.lease.wait";

    private final LockManager locks;
    private final Timer acquired;
    private final Timer notAcquired;
    private final Timer unneeded;

    public MeteredLockManager(LockManager locks, MeterRegistry registry) {
        this.locks = locks;
        this.acquired = timer(registry, "true");
        this.notAcquired = timer(registry, "false");
        this.unneeded = timer(registry, "unneeded");
    }

    private static Timer timer(MeterRegistry registry, String acquired) {
        return Timer.builder(WAIT).description("Time spent waiting for a refresh lease")
                .tag("acquired", acquired).publishPercentileHistogram().register(registry);
    }

    @Override
    public Optional<Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait) {
        long started = System.nanoTime();
        Optional<Lease> lease = locks.acquire(key, ttl, maxWait);
        (lease.isPresent() ? acquired : notAcquired).record(Duration.ofNanos(System.nanoTime() - started));
        return lease;
    }

    @Override
    public Optional<Lease> acquire(ConnectionKey key, Duration ttl, Duration maxWait, BooleanSupplier doneElsewhere) {
        long started = System.nanoTime();
        AtomicBoolean done = new AtomicBoolean();
        Optional<Lease> lease = locks.acquire(key, ttl, maxWait, () -> {
            done.set(doneElsewhere.getAsBoolean());
            return done.get();
        });
        Timer timer = lease.isPresent() ? acquired : done.get() ? unneeded : notAcquired;
        timer.record(Duration.ofNanos(System.nanoTime() - started));
        return lease;
    }

    @Override
    public Optional<Lease> acquireUnlessDone(ConnectionKey key, Duration ttl, Duration maxWait,
                                             Supplier<CompletionStage<Boolean>> doneElsewhere) {
        long started = System.nanoTime();
        AtomicBoolean done = new AtomicBoolean();
        Optional<Lease> lease = locks.acquireUnlessDone(key, ttl, maxWait, () -> doneElsewhere.get()
                .thenApply(answer -> {
                    done.set(answer);
                    return answer;
                }));
        Timer timer = lease.isPresent() ? acquired : done.get() ? unneeded : notAcquired;
        timer.record(Duration.ofNanos(System.nanoTime() - started));
        return lease;
    }
}
