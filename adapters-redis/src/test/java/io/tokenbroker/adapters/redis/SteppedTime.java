package io.tokenbroker.adapters.redis;

import io.tokenbroker.application.port.out.Pause;
import io.tokenbroker.application.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A test clock that worker threads wait on, and a test that waits until each of them does: a pause (a refresh
 * waiting for its due time, an upstream taking its latency) ends when the test moves the clock past it, and
 * {@link #awaitQuiet} returns once every task handed to a {@link #tracked} executor has finished or is pausing. So
 * work that overlaps in time (several refreshes in flight, each taking 300 ms) runs on real threads against real
 * servers, while what happens when is decided by the test alone.
 */
final class SteppedTime implements Pause {

    /** A pausing thread, released by the move of the clock that reaches {@code until}. */
    private static final class Waiter {
        private final Instant until;
        private boolean released;

        Waiter(Instant until) {
            this.until = until;
        }
    }

    /** How long the test waits for the workers to settle: only a guard against a hung run. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);

    private final TestClock clock;
    private final List<Waiter> waiters = new ArrayList<>();
    /** Tasks handed over and not finished, less those pausing. */
    private int busy;

    SteppedTime(TestClock clock) {
        this.clock = clock;
    }

    @Override
    public void pause(Duration duration) throws InterruptedException {
        Waiter waiter = new Waiter(clock.instant().plus(duration));
        synchronized (this) {
            if (!clock.instant().isBefore(waiter.until)) {
                return;
            }
            waiters.add(waiter);
            busy--;
            notifyAll();
            try {
                while (!waiter.released) {
                    wait();
                }
            } catch (InterruptedException stopped) {
                if (!waiter.released) {
                    waiters.remove(waiter);
                    busy++;
                }
                throw stopped;
            }
        }
    }

    /**
     * Moves the clock to {@code instant} (never back) and counts the threads it releases as busy before they run, so
     * that {@link #awaitQuiet} cannot see the moment between their release and their first step.
     */
    synchronized void advanceTo(Instant instant) {
        if (instant.isAfter(clock.instant())) {
            clock.set(instant);
        }
        for (Waiter waiter : List.copyOf(waiters)) {
            if (!clock.instant().isBefore(waiter.until)) {
                waiters.remove(waiter);
                waiter.released = true;
                busy++;
            }
        }
        notifyAll();
    }

    /** The pool's tasks, counted from when they are handed over until they finish. */
    Executor tracked(ExecutorService pool) {
        return task -> {
            synchronized (this) {
                busy++;
            }
            try {
                pool.execute(() -> {
                    try {
                        task.run();
                    } finally {
                        done();
                    }
                });
            } catch (RejectedExecutionException shuttingDown) {
                done();
                throw shuttingDown;
            }
        };
    }

    private synchronized void done() {
        busy--;
        notifyAll();
    }

    /** Waits until every tracked task has finished or is pausing; false if that did not happen within the guard. */
    synchronized boolean awaitQuiet() throws InterruptedException {
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        while (busy > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
