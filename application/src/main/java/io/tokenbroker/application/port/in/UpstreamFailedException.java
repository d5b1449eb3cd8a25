package io.tokenbroker.application.port.in;

import java.time.Duration;
import java.util.Optional;

/**
 * The provider's token endpoint gave no usable token, after the broker's retries. {@link Rejected}: it refused, and
 * asking again will not help until the connection changes; {@link Unavailable}: it failed, and a later try may work.
 * The cause is the token issuer's own failure, for logs.
 */
public abstract sealed class UpstreamFailedException extends BrokerException
        permits UpstreamFailedException.Rejected, UpstreamFailedException.Unavailable {

    private final transient Optional<String> errorCode;

    private UpstreamFailedException(Kind kind, String problemType, String title, String message,
                                    Optional<String> errorCode, Optional<Duration> retryAfter, Throwable cause) {
        super(kind, problemType, title, message, retryAfter, cause);
        this.errorCode = errorCode;
    }

    /**
     * The OAuth {@code error} (e.g. {@code invalid_grant}) or the issuer's own code for what went wrong; the
     * upstream's status and the rest are in the refresh's audit rows.
     */
    public Optional<String> errorCode() {
        return errorCode;
    }

    /** The provider refused: bad credentials, revoked grant, unusable answer. */
    public static final class Rejected extends UpstreamFailedException {

        /** The code of a call the egress policy stopped before anything was sent. */
        private static final String NOT_ALLOWED = "upstream_not_allowed";

        public Rejected(String message, Optional<String> errorCode, Throwable cause) {
            super(Kind.REJECTED_UPSTREAM, "upstream-rejected", "The provider refused to issue a token", message,
                    errorCode, Optional.empty(), cause);
        }

        @Override
        public String detail() {
            if (errorCode().filter(NOT_ALLOWED::equals).isPresent()) {
                // Nothing was sent: the same words for every refused target, so they reveal nothing about it.
                return "The broker's egress policy does not allow this connection's token endpoint ("
                        + NOT_ALLOWED + "): save it with an admin key, or have an operator list its host in "
                        + "tokenbroker.egress.allowed-hosts.";
            }
            return "The provider's token endpoint refused: " + errorCode().orElse("unknown")
                    + ". Check the connection's credentials.";
        }
    }

    /** The provider is down, slow, throttling or answered 5xx; {@link #retryAfter()} is its own, if it sent one. */
    public static final class Unavailable extends UpstreamFailedException {

        public Unavailable(String message, Optional<String> errorCode, Optional<Duration> retryAfter,
                           Throwable cause) {
            super(Kind.UNAVAILABLE, "upstream-unavailable", "The provider is unavailable", message, errorCode,
                    retryAfter, cause);
        }

        @Override
        public String detail() {
            return "The provider's token endpoint failed: " + errorCode().orElse("unknown") + ".";
        }
    }
}
