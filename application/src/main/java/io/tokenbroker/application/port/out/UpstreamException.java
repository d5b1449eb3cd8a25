package io.tokenbroker.application.port.out;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A token endpoint did not give a usable token. Messages are written by the issuer and never carry a secret, a
 * token or the raw upstream body.
 */
public abstract sealed class UpstreamException extends RuntimeException
        permits UpstreamException.Rejected, UpstreamException.Unavailable {

    private final OptionalInt status;
    private final Optional<String> errorCode;

    private UpstreamException(String message, OptionalInt status, Optional<String> errorCode, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** The upstream's HTTP status, when it answered at all. */
    public OptionalInt status() {
        return status;
    }

    /** The OAuth {@code error} (e.g. {@code invalid_grant}) or our own code for what went wrong. */
    public Optional<String> errorCode() {
        return errorCode;
    }

    /** Whether trying again later may succeed without anyone changing the connection. */
    public abstract boolean retryable();

    /** The upstream refused for a reason a retry will not fix: bad credentials, revoked grant, unusable answer. */
    public static final class Rejected extends UpstreamException {

        public Rejected(String message, OptionalInt status, Optional<String> errorCode) {
            super(message, status, errorCode, null);
        }

        @Override
        public boolean retryable() {
            return false;
        }
    }

    /** The upstream is down, slow, throttling or answered 5xx: worth retrying, after {@link #retryAfter()}. */
    public static final class Unavailable extends UpstreamException {

        private final Optional<Duration> retryAfter;

        public Unavailable(String message, OptionalInt status, Optional<String> errorCode,
                           Optional<Duration> retryAfter, Throwable cause) {
            super(message, status, errorCode, cause);
            this.retryAfter = retryAfter;
        }

        /** The upstream's own {@code Retry-After}, when it sent one. */
        public Optional<Duration> retryAfter() {
            return retryAfter;
        }

        @Override
        public boolean retryable() {
            return true;
        }
    }
}
