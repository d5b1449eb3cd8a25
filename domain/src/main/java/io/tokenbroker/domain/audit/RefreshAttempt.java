package io.tokenbroker.domain.audit;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One audit row: a call to a token endpoint, what started it and how it ended. Messages are sanitised by whoever
 * builds the row: no token, secret or upstream body text ever goes in.
 *
 * @param fence the fencing number of the lease the refresh ran under
 */
public record RefreshAttempt(
        ConnectionKey connection,
        Trigger trigger,
        Outcome outcome,
        Instant startedAt,
        Instant completedAt,
        int attempt,
        OptionalInt upstreamStatus,
        Optional<String> errorCode,
        Optional<String> message,
        long fence) implements ChainEntry {

    /** What asked for the refresh; {@code CONNECT} is the code exchange that completes a user's consent. */
    public enum Trigger { REQUEST, PROACTIVE, MANUAL, INVALIDATE, CONNECT }

    /** How it ended. */
    public enum Outcome { SUCCESS, FAILURE }

    public RefreshAttempt {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(completedAt, "completedAt");
        Objects.requireNonNull(upstreamStatus, "upstreamStatus");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(message, "message");
        if (completedAt.isBefore(startedAt)) {
            throw new IllegalArgumentException("an attempt cannot complete before it starts");
        }
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1");
        }
    }

    /** The same attempt with its times cut to the microsecond: what a store keeps and the chain hashes. */
    public RefreshAttempt toMicros() {
        return new RefreshAttempt(connection, trigger, outcome, startedAt.truncatedTo(ChronoUnit.MICROS),
                completedAt.truncatedTo(ChronoUnit.MICROS), attempt, upstreamStatus, errorCode, message, fence);
    }

    public Duration duration() {
        return Duration.between(startedAt, completedAt);
    }
}
