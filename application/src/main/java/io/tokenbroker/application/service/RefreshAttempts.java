package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.TokenUnavailableException;
import io.tokenbroker.application.port.in.UpstreamFailedException;
import io.tokenbroker.application.port.out.UpstreamException;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshAttempt.Outcome;
import io.tokenbroker.domain.audit.RefreshAttempt.Trigger;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.resilience.CircuitBreaker;
import io.tokenbroker.domain.token.TokenGrant;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The upstream calls of one refresh, under one lease: numbered from 1, retried within the retry policy's bounds
 * (counted from the first call), each one an audit row. Not thread-safe: one refresh is one thread.
 */
final class RefreshAttempts {

    /**
     * The upstream issued a grant. The circuit is told with {@link #recordSuccess} once the token is stored, or with
     * {@link #notStored}: a shared circuit is a round trip that need not stand between the answer and the stored
     * token, which waiters on every instance are waiting for.
     */
    record Granted(TokenGrant grant, Instant startedAt, int number) {
    }

    /**
     * The upstream failed and no retry is due: not retryable, out of retry budget, or the circuit opened. The
     * circuit's transition is held back until the caller either gives up or tries once more.
     */
    record Failed(UpstreamException failure, CircuitBreaker.Transition moved) {
    }

    private final UpstreamCalls calls;
    private final ConnectionKey key;
    private final Trigger trigger;
    private final long fence;
    private final CircuitBreaker circuit;
    private final Instant firstStarted;
    private int number;
    private UpstreamException lastFailure;
    private Failed failed;

    RefreshAttempts(UpstreamCalls calls, ConnectionKey key, Trigger trigger, long fence, CircuitBreaker circuit) {
        this.calls = calls;
        this.key = key;
        this.trigger = trigger;
        this.fence = fence;
        this.circuit = circuit;
        this.firstStarted = calls.clock().instant();
    }

    /**
     * Calls the upstream with {@code connection} until it grants or fails for good, waiting between retries.
     *
     * @return the grant; empty when the upstream failed for good, then {@link #failed()} says how and the caller
     *     either {@link #tryAgain}s or {@link #giveUp}s
     * @throws TokenUnavailableException when the circuit refuses the call
     * @throws UpstreamFailedException when interrupted while waiting to retry
     */
    Optional<Granted> next(Connection connection) {
        while (true) {
            refuseIfOpen();
            number++;
            Instant startedAt = calls.clock().instant();
            try {
                TokenGrant grant = calls.call(connection, startedAt);
                return Optional.of(new Granted(grant, startedAt, number));
            } catch (UpstreamException failure) {
                failed = failed(failure, startedAt);
                Optional<Duration> wait = waitBeforeRetry(failure);
                // The call that opened the circuit reports its own failure; the refusal is for later callers.
                if (wait.isEmpty() || circuit.state() == CircuitBreaker.State.OPEN) {
                    return Optional.empty();
                }
                calls.announce(key, failed.moved());
                waitToRetry(wait.get(), failure);
            }
        }
    }

    private void refuseIfOpen() {
        if (circuit.tryAcquirePermission()) {
            return;
        }
        // Refused before any call: not a failed refresh (CIRCUIT_OPENED said it), unless this one had already
        // failed and was waiting to retry when another caller's failure opened the circuit.
        if (lastFailure != null) {
            calls.refreshFailed(key, lastFailure);
        }
        throw calls.circuitOpen(key, circuit.retryAfter());
    }

    /** Records the failure and moves the circuit. */
    private Failed failed(UpstreamException failure, Instant startedAt) {
        lastFailure = failure;
        calls.audit(new RefreshAttempt(key, trigger, Outcome.FAILURE, startedAt, calls.clock().instant(), number,
                failure.status(), failure.errorCode(), Optional.ofNullable(failure.getMessage()), fence));
        // A refusal proves the upstream is up, and throttling that it is alive (its Retry-After paces us): only
        // outages count against the circuit.
        boolean outage = failure.retryable() && failure.status().orElse(0) != 429;
        return new Failed(failure, outage ? circuit.onFailure() : circuit.onSuccess());
    }

    /** Full-jitter backoff or the upstream's Retry-After, within the retry policy's bounds; none for a refusal. */
    private Optional<Duration> waitBeforeRetry(UpstreamException failure) {
        if (!(failure instanceof UpstreamException.Unavailable unavailable)) {
            return Optional.empty();
        }
        return calls.resilience().retry().delayBeforeRetry(number, unavailable.retryAfter(),
                Duration.between(firstStarted, calls.clock().instant()));
    }

    private void waitToRetry(Duration wait, UpstreamException failure) {
        try {
            calls.pause(wait);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            calls.refreshFailed(key, failure);
            throw UpstreamCalls.forCaller(failure);
        }
    }

    /** The grant could not be stored: the upstream answered all the same, which is what the circuit counts. */
    void notStored() {
        calls.announce(key, circuit.onSuccess());
    }

    /** How the last {@link #next} that returned no grant failed. */
    Failed failed() {
        return failed;
    }

    /** The caller tries once more (e.g. with a refresh token rotated meanwhile): the held-back transition is told. */
    void tryAgain() {
        calls.announce(key, failed.moved());
    }

    /** The refresh ended without a token: announced once, then the held-back circuit transition. */
    void giveUp() {
        calls.refreshFailed(key, failed.failure());
        calls.announce(key, failed.moved());
    }

    /** The grant was stored: the circuit is told, then the audit row of its attempt. */
    void recordSuccess(Granted granted) {
        calls.announce(key, circuit.onSuccess());
        calls.audit(new RefreshAttempt(key, trigger, Outcome.SUCCESS, granted.startedAt(), calls.clock().instant(),
                granted.number(), OptionalInt.empty(), Optional.empty(), Optional.empty(), fence));
    }
}
