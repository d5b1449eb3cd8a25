package io.tokenbroker.adapters.redis;

/**
 * Redis did not answer within the command timeout, or the connection is down. Never leaves this module: the
 * adapters turn it into their fail-open behaviour (near cache, in-process lease).
 */
final class RedisUnavailableException extends RuntimeException {

    /** @param cause null when the call was not tried at all */
    RedisUnavailableException(String operation, Throwable cause) {
        // The cause names host and port at most; no key holds a token, so the message holds no secret either.
        super("Redis unavailable during " + operation, cause);
    }
}
