package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.AuthenticateCaller.Overloaded;
import io.tokenbroker.application.port.in.Caller;
import io.tokenbroker.domain.apikey.ApiKeyId;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Runs slow key verifications (bcrypt) on a bounded executor, at most one per presented key (later requests with the
 * same key wait for the running one: a cold key costs one bcrypt, not one per request) and one at a time per key id
 * (different secrets for one id queue behind each other, so a burst of wrong secrets never runs two bcrypts at once).
 * An executor that refuses work (its queue is full) fails the verification with {@link Overloaded}.
 *
 * <p>The executor is handed in so the application stays free of thread management; bootstrap sizes it to the cores.
 */
final class SecretVerifications {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Executor executor;
    private final ConcurrentMap<String, CompletableFuture<Optional<Caller>>> flights = new ConcurrentHashMap<>();
    private final ConcurrentMap<ApiKeyId, CompletableFuture<?>> lanes = new ConcurrentHashMap<>();

    SecretVerifications(Executor executor) {
        this.executor = executor;
    }

    /** The verification of this exact key that is under way, if one is. */
    Optional<CompletableFuture<Optional<Caller>>> running(ApiKeyId id, String fingerprint) {
        return Optional.ofNullable(flights.get(flightKey(id, fingerprint)));
    }

    /**
     * Starts verifying this key after the verification of its id that is under way, if any; if the same key is
     * being verified already, that verification is returned instead.
     */
    CompletableFuture<Optional<Caller>> start(ApiKeyId id, String fingerprint, Supplier<Optional<Caller>> work) {
        String key = flightKey(id, fingerprint);
        CompletableFuture<Optional<Caller>> flight = new CompletableFuture<>();
        CompletableFuture<Optional<Caller>> existing = flights.putIfAbsent(key, flight);
        if (existing != null) {
            return existing;
        }
        CompletableFuture<?>[] ahead = new CompletableFuture<?>[1];
        lanes.compute(id, (k, tail) -> {
            ahead[0] = tail == null ? DONE : tail;
            return flight;
        });
        ahead[0].whenComplete((ignored, failure) -> submit(key, id, flight, work));
        return flight;
    }

    private void submit(String key, ApiKeyId id, CompletableFuture<Optional<Caller>> flight,
                        Supplier<Optional<Caller>> work) {
        try {
            executor.execute(() -> {
                try {
                    Optional<Caller> caller = work.get();
                    ended(key, id, flight);
                    flight.complete(caller);
                } catch (RuntimeException | Error failure) {
                    ended(key, id, flight);
                    flight.completeExceptionally(failure);
                }
            });
        } catch (RejectedExecutionException queueFull) {
            ended(key, id, flight);
            flight.completeExceptionally(new Overloaded());
        }
    }

    /**
     * Before the flight completes, so a request that arrives after its answer (a caller retrying a wrong key) starts
     * and is counted anew instead of joining a verification that is over.
     */
    private void ended(String key, ApiKeyId id, CompletableFuture<Optional<Caller>> flight) {
        flights.remove(key, flight);
        lanes.remove(id, flight);
    }

    private static String flightKey(ApiKeyId id, String fingerprint) {
        return id.value() + ':' + fingerprint;
    }
}
