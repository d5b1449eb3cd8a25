package io.tokenbroker.application.service;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs at most one load per key at a time within this process, until the load has its result: the first caller
 * loads on its own thread, the callers that arrive meanwhile wait for its result (or its exception) instead of
 * loading again, on their thread ({@link #run}) or without one ({@link #running}).
 */
final class SingleFlight<K, V> {

    private final ConcurrentMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();

    /**
     * The load of {@code key} in flight, for a caller that waits for it without a thread: completes with its result
     * or its exception (the leader's own, possibly wrapped in a {@link CompletionException}).
     */
    Optional<CompletionStage<V>> running(K key) {
        return Optional.ofNullable(inFlight.get(key)).map(CompletableFuture::minimalCompletionStage);
    }

    /** How many callers wait for a load in flight, on a thread or not; an estimate while they come and go. */
    int waiting() {
        return inFlight.values().stream().mapToInt(CompletableFuture::getNumberOfDependents).sum();
    }

    V run(K key, Supplier<V> load) {
        return runTelling(key, landed -> load.get());
    }

    /**
     * As {@link #run}, for a load that has its result before it has finished (a token stored before its lease is
     * released, the audit row written): it hands the result to {@code landed}, and the callers waiting for it get it
     * then. A failure after that is the leader's alone. A caller arriving after that starts a load of its own rather
     * than join one whose result it may already have been told is no good (a token invalidated since); that load
     * waits for whatever the first still holds (the lease).
     */
    V runTelling(K key, Function<Consumer<V>, V> load) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return await(running);
        }
        try {
            V value = load.apply(result -> {
                mine.complete(result);
                inFlight.remove(key, mine);
            });
            mine.complete(value);
            return value;
        } catch (RuntimeException | Error failure) {
            mine.completeExceptionally(failure);
            throw failure;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private static <V> V await(CompletableFuture<V> running) {
        try {
            return running.get();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new CompletionException("interrupted while waiting for a refresh in flight", interrupted);
        } catch (ExecutionException failed) {
            // The leader's exception is rethrown as is, so every waiter sees the same typed failure.
            if (failed.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failed.getCause() instanceof Error error) {
                throw error;
            }
            throw new CompletionException(failed.getCause());
        }
    }
}
