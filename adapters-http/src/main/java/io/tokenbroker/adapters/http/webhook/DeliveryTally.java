package io.tokenbroker.adapters.http.webhook;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What became of the events over all receivers, and the shutdown flag every lane reads: the counters the metrics
 * export, and the pending count {@link WebhookConnectionEvents#close} waits to see drained.
 */
final class DeliveryTally {

    final AtomicLong delivered = new AtomicLong();
    final AtomicLong retried = new AtomicLong();
    final AtomicLong givenUp = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong lostAtShutdown = new AtomicLong();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Object drained = new Object();

    int pending() {
        return pending.get();
    }

    void accepted() {
        pending.incrementAndGet();
    }

    /** {@code count} pending events are over, however they ended. */
    void finished(int count) {
        if (pending.addAndGet(-count) == 0 && closing.get()) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    boolean closing() {
        return closing.get();
    }

    /** @return false when closing had already begun */
    boolean beginClosing() {
        return closing.compareAndSet(false, true);
    }

    /** Waits until nothing is pending or {@code deadlineNanos} (a {@link System#nanoTime} value) has passed. */
    void awaitDrained(long deadlineNanos) {
        synchronized (drained) {
            long left;
            while (pending.get() > 0 && (left = deadlineNanos - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(drained, left);
                } catch (InterruptedException stopping) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
