package io.tokenbroker.adapters.redis;

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
     * Redis answered with an error that blames the command. Its code only, and no cause: the rest of the reply can
     * echo the command's arguments.
     */
    static RedisUnavailableException refused(String operation, String code) {
        return new RedisUnavailableException(null, "Redis refused " + operation + " (" + code + ")");
    }
}
