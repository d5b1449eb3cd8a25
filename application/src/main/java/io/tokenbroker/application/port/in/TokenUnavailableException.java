package io.tokenbroker.application.port.in;

import java.time.Duration;
import java.util.Optional;

/**
 * No token could be served now although nothing is wrong with the connection, e.g. another holder kept the
 * refresh lease past the wait. The caller may retry after {@link #retryAfter()}.
 */
public final class TokenUnavailableException extends RuntimeException {

    private final transient Optional<Duration> retryAfter;

    public TokenUnavailableException(String message, Optional<Duration> retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
