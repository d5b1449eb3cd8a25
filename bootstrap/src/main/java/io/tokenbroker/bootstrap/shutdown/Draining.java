package io.tokenbroker.bootstrap.shutdown;

import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicBoolean;

/** Whether this instance is stopping: from then on readiness is down, though requests are still served a while. */
@Singleton
public final class Draining {

    private final AtomicBoolean draining = new AtomicBoolean();

    /** @return true for the call that began it */
    public boolean begin() {
        return draining.compareAndSet(false, true);
    }

    public boolean isDraining() {
        return draining.get();
    }
}
