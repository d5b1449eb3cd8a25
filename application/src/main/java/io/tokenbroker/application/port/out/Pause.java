package io.tokenbroker.application.port.out;

import java.time.Duration;

/**
 * Lets time pass on the calling thread, for backoff between upstream attempts. A port so that tests move a clock
 * instead of waiting, and so the wait can be interrupted cleanly.
 */
@FunctionalInterface
public interface Pause {

    /** @throws InterruptedException when the thread is interrupted; the caller gives up its retries */
    void pause(Duration duration) throws InterruptedException;
}
