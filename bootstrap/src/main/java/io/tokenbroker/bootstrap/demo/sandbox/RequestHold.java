package io.tokenbroker.bootstrap.demo.sandbox;

import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The admin hold of the token endpoints: while held, a new token request is parked before it can rotate anything,
 * and answered 503 on release; requests already past the hold are counted in flight until they are answered. A
 * drill holds, waits until nothing is in flight, kills a client, then releases: no refresh token can then have been
 * rotated for a process that died before reading it, so whatever is lost is the client's own loss.
 */
final class RequestHold {

    /** What the hold endpoint reports. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    record Status(boolean held, int inFlight, int parked) {
    }

    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<Runnable> parked = new ArrayList<>();
    private boolean held;

    /**
     * Lets a request through (true: in flight until {@link #answered}) or parks it (false: {@code refuse} runs on
     * release). Counted in flight before the hold is looked at, so a hold never misses a request that passed it.
     */
    boolean enter(Runnable refuse) {
        inFlight.incrementAndGet();
        synchronized (this) {
            if (!held) {
                return true;
            }
            parked.add(refuse);
        }
        inFlight.decrementAndGet();
        return false;
    }

    void answered() {
        inFlight.decrementAndGet();
    }

    synchronized void hold() {
        held = true;
    }

    /** Ends the hold and refuses every parked request. */
    void release() {
        List<Runnable> refused;
        synchronized (this) {
            held = false;
            refused = List.copyOf(parked);
            parked.clear();
        }
        refused.forEach(Runnable::run);
    }

    synchronized Status status() {
        return new Status(held, inFlight.get(), parked.size());
    }
}
