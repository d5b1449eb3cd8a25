package io.tokenbroker.application.service;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A call running on its own thread, so a test can see where that thread stands (its stack) instead of sleeping
 * and hoping. Every wait here is bounded by {@link #HANG_GUARD}, which only keeps a broken run from hanging.
 */
final class Caller<T> {

    static final Duration HANG_GUARD = Duration.ofSeconds(30);

    private final Thread thread;
    private final CompletableFuture<T> result = new CompletableFuture<>();

    private Caller(String name, Supplier<T> call) {
        this.thread = new Thread(() -> {
            try {
                result.complete(call.get());
            } catch (Throwable failure) {
                result.completeExceptionally(failure);
            }
        }, name);
        this.thread.setDaemon(true);
    }

    static <T> Caller<T> start(String name, Supplier<T> call) {
        Caller<T> caller = new Caller<>(name, call);
        caller.thread.start();
        return caller;
    }

    T result() throws Exception {
        return result.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
    }

    /** What the call threw; fails if it returned. */
    Throwable failure() throws InterruptedException, TimeoutException {
        try {
            T value = result.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError(thread.getName() + " returned " + value + " instead of failing");
        } catch (ExecutionException failed) {
            return failed.getCause();
        }
    }

    /** Whether the thread is, right now, somewhere inside {@code type.method}. */
    boolean isInside(Class<?> type, String method) {
        return Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals(type.getName()) && frame.getMethodName().equals(method));
    }

    /** Whether the thread is parked (waiting or timed waiting) inside {@code type.method}. */
    boolean isParkedInside(Class<?> type, String method) {
        Thread.State state = thread.getState();
        return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) && isInside(type, method);
    }

    /** Spins (no sleeping) until the thread is parked inside {@code type.method}. */
    void awaitParkedInside(Class<?> type, String method) {
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        while (!isParkedInside(type, method)) {
            if (result.isDone()) {
                throw new AssertionError(thread.getName() + " finished instead of waiting in " + method);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(thread.getName() + " never waited in " + type.getSimpleName() + "." + method);
            }
            Thread.onSpinWait();
        }
    }
}
