package io.tokenbroker.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Runs one call on many threads at once and waits, without sleeping, until all of them are blocked. */
final class Callers<T> implements AutoCloseable {

    private final List<Thread> threads = new ArrayList<>();
    private final ExecutorService pool;
    private final List<Future<T>> results = new ArrayList<>();

    Callers(int count, Callable<T> call) {
        pool = Executors.newFixedThreadPool(count, task -> {
            Thread thread = new Thread(task);
            synchronized (threads) {
                threads.add(thread);
            }
            return thread;
        });
        for (int i = 0; i < count; i++) {
            results.add(pool.submit(call));
        }
    }

    /** Polls the threads' states: every caller waits (on the gate, or on another caller's call). */
    Callers<T> awaitAllBlocked() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!allBlocked()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the callers never all waited");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return this;
    }

    private boolean allBlocked() {
        synchronized (threads) {
            return threads.size() == results.size() && threads.stream()
                    .allMatch(thread -> thread.getState() == Thread.State.WAITING
                            || thread.getState() == Thread.State.TIMED_WAITING);
        }
    }

    List<Future<T>> results() {
        return results;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
