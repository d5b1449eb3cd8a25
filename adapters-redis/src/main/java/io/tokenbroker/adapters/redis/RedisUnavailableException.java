package io.tokenbroker.adapters.redis;

import java.util.concurrent.TimeoutException;

/**
 * Redis did not answer within the command timeout, or the connection is down, or (see {@link #refused}) it refused
 * the command as wrong. Never leaves this module: the adapters turn it into their fail-open behaviour (near cache,
 * in-process lease) for the call that failed.
 */
final class RedisUnavailableException extends RuntimeException {

    /** @param cause null when the call was not tried at all */
    RedisUnavailableException(String operation, Throwable cause) {
        // The cause names host and port at most; no key holds a token, so the message holds no secret either.
        this(cause, "Redis unavailable during " + operation);
    }

    private RedisUnavailableException(Throwable cause, String message) {
        super(message, cause);
    }

    /**
     * Whether the command was sent and went unanswered within the timeout, so it may have run in Redis with its reply
     * lost to the caller, while Redis may be answering again by now. (A command skipped, rejected while disconnected
     * or refused as wrong did not run; one cut off by a dropped connection may have, but nothing can ask Redis then.)
     */
    boolean mayHaveRun() {
        return getCause() instanceof TimeoutException;
    }

    /**
     * Redis answered with an error that blames the command. Its code only, and no cause: the rest of the reply can
     * echo the command's arguments.
     */
    static RedisUnavailableException refused(String operation, String code) {
        return new RedisUnavailableException(null, "Redis refused " + operation + " (" + code + ")");
    }
}
